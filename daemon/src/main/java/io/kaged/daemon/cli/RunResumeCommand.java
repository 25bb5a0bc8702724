package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run resume ID}. */
@Command(name = "resume", description = "Resume a paused run: SIGCONT to its process group.")
public final class RunResumeCommand extends RunActionCommand {
    @Override
    String action() {
        return "resume";
    }
}
