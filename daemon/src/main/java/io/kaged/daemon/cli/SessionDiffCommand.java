package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/**
 * {@code kaged session diff SESSION [CHECKPOINT] [--patch]}: what changed in a session's workspace since a
 * pause.
 */
@Command(
        name = "diff",
        description = "Show what changed in the workspace of a session started with --workspace since a pause"
                + " (the newest if none is given): A added, M modified, D deleted; --patch adds a unified diff.")
public final class SessionDiffCommand extends WorkspaceDiffCommand {

    @Override
    String collection() {
        return "sessions";
    }

    @Override
    String noCheckpoint(String id) {
        return "Session " + id + " has no checkpoint to compare with; its pauses are its checkpoints (POST"
                + " /v1/sessions/" + id + "/pause)";
    }
}
