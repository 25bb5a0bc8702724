package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged session new [options] [-- command...]}. */
@Command(name = "new", description = "Start a session (default command: your login shell).")
public final class SessionNewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Mixin
    ConfinementOptions confinement;

    @Option(
            names = {"-n", "--name"},
            description = "A name to find the session by.")
    String name;

    @Option(names = "--project", description = "Project the session belongs to.")
    String project;

    @Option(
            names = "--restart",
            paramLabel = "never|on-failure|always",
            description = "Restart policy (default never).")
    String restart;

    @Option(names = "--cwd", description = "Working folder (default: the daemon's).")
    String cwd;

    @Option(
            names = "--workspace",
            description = "The working folder is the session's workspace: each pause records its files (GET"
                    + " /v1/sessions/ID/checkpoints/CP/diff shows what changed since).")
    boolean workspace;

    @Option(
            names = {"-a", "--attach"},
            description = "Attach right away.")
    boolean attach;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> argv = command == null || command.isEmpty()
                ? List.of(System.getenv().getOrDefault("SHELL", "/bin/bash"), "-l")
                : command;
        body.put("command", argv);
        body.put("cwd", cwd != null ? cwd : System.getProperty("user.dir"));
        body.put("name", name);
        body.put("project", project);
        body.put("restart", restart);
        confinement.addTo(body);
        if (workspace) {
            body.put("workspace", true);
        }
        if (System.console() != null) {
            org.jline.terminal.Size size = TerminalSize.current();
            body.put("cols", size.getColumns());
            body.put("rows", size.getRows());
        }
        body.values().removeIf(v -> v == null);
        JsonNode created = options.client().post("/v1/sessions", body);
        String id = created.get("id").asText();
        spec.commandLine().getOut().println(id);
        if (attach) {
            return new SessionAttachCommand().attach(spec, options.client(), id, false);
        }
        return 0;
    }
}
