package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged agent ...}: ACP runs, kaged as the client of a coding agent. */
@Command(
        name = "agent",
        description = "ACP agent runs: start, prompt, show, attach.",
        subcommands = {
            AgentStartCommand.class,
            AgentPromptCommand.class,
            AgentShowCommand.class,
            AgentAttachCommand.class
        })
public final class AgentCommand {}
