package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged attach SESSION}: the short form of {@code kaged session attach}, as tmux has it. */
@Command(name = "attach", description = "Attach to a session (same as kaged session attach). Ctrl-] detaches.")
public final class AttachCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(
            names = {"-r", "--read-only"},
            description = "Watch only: see everything, type nothing.")
    boolean readOnly;

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix, or name.")
    String session;

    @Override
    public Integer call() throws Exception {
        DaemonClient client = options.client();
        return new SessionAttachCommand().attach(spec, client, SessionCommand.resolve(client, session), readOnly);
    }
}
