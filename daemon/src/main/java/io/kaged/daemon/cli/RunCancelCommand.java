package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run cancel ID}. */
@Command(name = "cancel", description = "Cancel a run: SIGTERM to its process group, SIGKILL after a grace.")
public final class RunCancelCommand extends RunActionCommand {
    @Override
    String action() {
        return "cancel";
    }
}
