package io.kaged.daemon;

import io.kaged.daemon.cli.Cli;

/** Entry point of the one fat jar that {@code bin/kaged} runs. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.commandLine().execute(args));
    }
}
