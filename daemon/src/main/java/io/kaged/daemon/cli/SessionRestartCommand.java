package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import picocli.CommandLine.Command;

/** {@code kaged session restart ID}: starts an ended or interrupted session again, its scrollback kept. */
@Command(
        name = "restart",
        description = "Start an ended or interrupted session again: same command, cwd, env and size, scrollback kept.")
public final class SessionRestartCommand extends SessionActionCommand {

    @Override
    String act(DaemonClient client, String id) {
        var s = client.post("/v1/sessions/" + id + "/restart", null);
        return "Session " + id + " is " + s.get("state").asText() + " again (restart "
                + s.get("restarts").asInt() + "); attach with: kaged session attach " + id;
    }
}
