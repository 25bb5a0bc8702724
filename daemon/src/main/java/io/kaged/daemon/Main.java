package io.kaged.daemon;

import io.kaged.daemon.cli.Cli;

/** Entry point of the one fat jar that {@code bin/kaged} runs. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve") && System.getProperty("kaged.log.level") == null) {
            // The daemon logs at INFO; client commands stay quiet. Set before logback starts.
            System.setProperty("kaged.log.level", "INFO");
        }
        System.exit(Cli.commandLine().execute(args));
    }
}
