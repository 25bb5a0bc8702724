package io.kaged.daemon.cli;

import io.kaged.persistence.backup.BackupException;
import io.kaged.persistence.store.StorageConfigException;
import io.kaged.persistence.store.StorageTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kaged} command and its one error handler: every failure becomes one line an operator can act
 * on and an exit code (1: the operation failed, 2: configuration or usage is wrong), never a stack trace
 * unless {@code KAGED_DEBUG} is set.
 */
@Command(
        name = "kaged",
        mixinStandardHelpOptions = true,
        // Every subcommand answers --help (and --version), as an operator tries `kaged run purge --help`.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Cli.Version.class,
        description = "Supervisor for long-lived terminal sessions and agent runs.",
        subcommands = {
            ServeCommand.class,
            StatusCommand.class,
            SessionCommand.class,
            RunCommand.class,
            AgentCommand.class,
            ApprovalsCommand.class,
            ApproveCommand.class,
            ProjectCommand.class,
            PromptCommand.class,
            SecretCommand.class,
            AuditCommand.class,
            StatsCommand.class,
            PruneCommand.class,
            TokenCommand.class,
            ConsoleCommand.class,
            DbCommand.class,
            BackupCommand.class,
            RestoreCommand.class
        })
public final class Cli {

    public static final int FAILED = 1;
    public static final int MISCONFIGURED = 2;

    /** The command line for this process's environment. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line resolving config and store against {@code env}. */
    public static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cl = configure(new Cli(), env);
        // `kaged attach` is `kaged session attach`, as short as tmux's.
        cl.addSubcommand("attach", new CommandLine(SessionAttachCommand.class, cl.getFactory()));
        return cl;
    }

    /**
     * {@code kaged serve} alone: picocli builds the model of every command it is given, by reflection, and
     * for all 36 that was ~0.3 s of the daemon's start to healthy. {@code kaged serve --help} reads the same.
     */
    public static CommandLine serveCommandLine(java.util.Map<String, String> env) {
        return configure(new ServeOnly(), env);
    }

    @Command(
            name = "kaged",
            mixinStandardHelpOptions = true,
            scope = CommandLine.ScopeType.INHERIT,
            versionProvider = Cli.Version.class,
            subcommands = {ServeCommand.class})
    static final class ServeOnly {}

    private static CommandLine configure(Object root, java.util.Map<String, String> env) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == ModeOption.class ? (K) new ModeOption(env) : defaults.create(cls);
            }
        };
        CommandLine cl = new CommandLine(root, factory);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("kaged: " + StorageTarget.maskUserInfo(describe(e)));
            if (System.getenv("KAGED_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            if (e instanceof io.kaged.daemon.client.ClientException c) {
                return c.exitCode();
            }
            return e instanceof StorageConfigException ? MISCONFIGURED : FAILED;
        });
        return cl;
    }

    private static String describe(Exception e) {
        if (e instanceof StorageConfigException
                || e instanceof BackupException
                || e instanceof io.kaged.daemon.serve.DaemonStartException
                || e instanceof io.kaged.daemon.client.ClientException) {
            return e.getMessage();
        }
        return "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                + " (set KAGED_DEBUG=1 for details)";
    }

    /** Who the audit log names for CLI actions. */
    static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"kaged " + (v == null ? "development build" : v)};
        }
    }
}
