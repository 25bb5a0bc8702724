package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run diff RUN [CHECKPOINT] [--patch]}: what changed in the run's workspace since a checkpoint. */
@Command(
        name = "diff",
        description = "Show what changed in a run's workspace since a checkpoint (the newest if none is given):"
                + " one line per file, A added, M modified, D deleted; --patch adds a unified diff.")
public final class RunDiffCommand extends WorkspaceDiffCommand {

    @Override
    String collection() {
        return "runs";
    }

    @Override
    String noCheckpoint(String id) {
        return "Run " + id + " has no checkpoint to compare with; take one with: kaged run checkpoint " + id
                + " --take";
    }
}
