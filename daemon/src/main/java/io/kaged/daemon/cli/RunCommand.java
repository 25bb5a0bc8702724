package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run ...}: agent runs of the running daemon. */
@Command(
        name = "run",
        description = "Agent runs: start, ls, show, pause, resume, checkpoint, rollback, cancel, purge.",
        subcommands = {
            RunStartCommand.class,
            RunLsCommand.class,
            RunShowCommand.class,
            RunPauseCommand.class,
            RunResumeCommand.class,
            RunCheckpointCommand.class,
            RunRollbackCommand.class,
            RunDiffCommand.class,
            RunCancelCommand.class,
            RunPurgeCommand.class
        })
public final class RunCommand {}
