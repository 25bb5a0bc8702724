package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged prompt ...}: versioned prompt texts of a project. */
@Command(
        name = "prompt",
        description = "Prompt texts of a project, every edit a new version: set, show, versions, diff.",
        subcommands = {
            PromptSetCommand.class,
            PromptShowCommand.class,
            PromptVersionsCommand.class,
            PromptDiffCommand.class
        })
public final class PromptCommand {}
