package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged session kill ID}: terminates a session (data kept), or with --purge deletes it. */
@Command(name = "kill", description = "Terminate a session (its data is kept; --purge deletes everything of it).")
public final class SessionKillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--purge", description = "Also delete every row of the session.")
    boolean purge;

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix, or name.")
    String session;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        String id = SessionCommand.resolve(client, session);
        if (purge) {
            client.delete("/v1/sessions/" + id + "?purge=true");
            spec.commandLine().getOut().println("Session " + id + " terminated and purged.");
        } else {
            var s = client.delete("/v1/sessions/" + id);
            spec.commandLine()
                    .getOut()
                    .println("Session " + id + " is " + s.get("state").asText() + ".");
        }
        return 0;
    }
}
