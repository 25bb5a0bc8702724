package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run pause ID}. */
@Command(name = "pause", description = "Pause a run: SIGSTOP to its process group, and a checkpoint.")
public final class RunPauseCommand extends RunActionCommand {
    @Override
    String action() {
        return "pause";
    }
}
