package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged project ...}: projects of the running daemon. */
@Command(
        name = "project",
        description = "Projects: ls, new, show. Their prompt texts: kaged prompt.",
        subcommands = {ProjectLsCommand.class, ProjectNewCommand.class, ProjectShowCommand.class})
public final class ProjectCommand {}
