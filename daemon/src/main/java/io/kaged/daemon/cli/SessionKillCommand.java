package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kaged session kill ID}: terminates a session (data kept), or with --purge deletes it. */
@Command(name = "kill", description = "Terminate a session (its data is kept; --purge deletes everything of it).")
public final class SessionKillCommand extends SessionActionCommand {

    @Option(names = "--purge", description = "Also delete every row of the session.")
    boolean purge;

    @Override
    String act(DaemonClient client, String id) {
        if (purge) {
            client.delete("/v1/sessions/" + id + "?purge=true");
            return "Session " + id + " terminated and purged.";
        }
        var s = client.delete("/v1/sessions/" + id);
        return "Session " + id + " is " + s.get("state").asText() + ".";
    }
}
