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
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            // Run processes are started by the hundred per second. vfork execs the command straight
            // away; Java 17's default posix_spawn first execs a helper binary, which costs about 1 ms of CPU
            // per start (bench/run-runs.sh: 200 → 240 runs/s). Read once, at the first process start.
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        boolean serve = args.length > 0 && args[0].equals("serve");
        System.exit((serve ? Cli.serveCommandLine(System.getenv()) : Cli.commandLine()).execute(args));
    }
}
