package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged secret ...}: the daemon's secrets, by name. */
@Command(
        name = "secret",
        description = "Secrets that runs and sessions use in their env as {\"secret\": \"NAME\"}: set, ls, rm."
                + " Values go in and never come out.",
        subcommands = {SecretSetCommand.class, SecretLsCommand.class, SecretRmCommand.class})
public final class SecretCommand {}
