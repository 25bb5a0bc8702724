package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run ...}: agent runs of the running daemon. */
@Command(
        name = "run",
        description = "Agent runs: start, ls, show, cancel.",
        subcommands = {RunStartCommand.class, RunLsCommand.class, RunShowCommand.class, RunCancelCommand.class})
public final class RunCommand {}
