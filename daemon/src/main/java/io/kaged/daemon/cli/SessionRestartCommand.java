package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged session restart ID}: starts an ended or interrupted session again, its scrollback kept. */
@Command(
        name = "restart",
        description = "Start an ended or interrupted session again: same command, cwd, env and size, scrollback kept.")
public final class SessionRestartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix, or name.")
    String session;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        String id = SessionCommand.resolve(client, session);
        var s = client.post("/v1/sessions/" + id + "/restart", null);
        spec.commandLine()
                .getOut()
                .println("Session " + id + " is " + s.get("state").asText() + " again (restart "
                        + s.get("restarts").asInt() + "); attach with: kaged session attach " + id);
        return 0;
    }
}
