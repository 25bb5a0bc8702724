package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import picocli.CommandLine.Command;

/** {@code kaged session resume ID}: lets a paused session's processes go on (SIGCONT). */
@Command(name = "resume", description = "Resume a paused session: its processes go on (SIGCONT).")
public final class SessionResumeCommand extends SessionActionCommand {

    @Override
    String act(DaemonClient client, String id) {
        var s = client.post("/v1/sessions/" + id + "/resume", null);
        return "Session " + id + " is " + s.get("state").asText() + ".";
    }
}
