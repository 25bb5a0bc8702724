package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import picocli.CommandLine.Command;

/** {@code kaged session pause ID}: stops a session's process group (SIGSTOP); a checkpoint is taken. */
@Command(
        name = "pause",
        description = "Pause a session: its processes are stopped (SIGSTOP) and a checkpoint is taken (with its"
                + " workspace's files, if it has one).")
public final class SessionPauseCommand extends SessionActionCommand {

    @Override
    String act(DaemonClient client, String id) {
        var s = client.post("/v1/sessions/" + id + "/pause", null);
        return "Session " + id + " is " + s.get("state").asText() + "; resume with: kaged session resume " + id;
    }
}
