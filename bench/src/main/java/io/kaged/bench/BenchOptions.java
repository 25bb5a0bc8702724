package io.kaged.bench;

import io.kaged.persistence.store.Engine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's command line: sizes of every phase and the engines to run, with the defaults below. */
record BenchOptions(
        List<Engine> engines,
        int actors,
        int events,
        int inFlight,
        int warmupActors,
        int warmupEvents,
        int recoveryEvents,
        int rawRows,
        int rawIds,
        int rawRowsPerCommit,
        int payloadChars) {

    static final String USAGE =
            """
            Usage: run-journal.sh [options]   (or java io.kaged.bench.JournalBench [options])
              --engines LIST           sqlite,postgresql (default: both)
              --actors N               event-sourced writers in the write phase (default 100)
              --events N               events each writer persists, one per command (default 1000)
              --in-flight N            commands outstanding per writer (default 8, at most 4096)
              --warmup-actors N        writers in the warm-up round, excluded (default 100)
              --warmup-events N        events per warm-up writer (default 1000)
              --recovery-events N      events replayed by the recovery phase (default 100000)
              --raw-rows N             rows of the raw JDBC phase (default 100000)
              --raw-ids N              distinct persistence ids in the raw JDBC phase (default 100)
              --raw-rows-per-commit N  rows per raw JDBC transaction (default 100)
              --payload-chars N        characters of text in each event (default 100)
            kaged settings are read as usual and can be overridden with system properties, e.g.
              JAVA_OPTS=-Dkaged.storage.sqlite.synchronous=NORMAL bench/run-journal.sh --engines sqlite
            """;

    static BenchOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new UsageException(null);
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String key;
            String value;
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                key = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                key = arg.substring(2);
                value = args[++i];
            } else {
                throw new UsageException("option " + arg + " needs a value");
            }
            given.put(key, value);
        }
        BenchOptions options = new BenchOptions(
                engines(given.containsKey("engines") ? given.remove("engines") : "sqlite,postgresql"),
                positive(given, "actors", 100),
                positive(given, "events", 1000),
                positive(given, "in-flight", 8),
                positive(given, "warmup-actors", 100),
                positive(given, "warmup-events", 1000),
                positive(given, "recovery-events", 100_000),
                positive(given, "raw-rows", 100_000),
                positive(given, "raw-ids", 100),
                positive(given, "raw-rows-per-commit", 100),
                positive(given, "payload-chars", 100));
        if (!given.isEmpty()) {
            throw new UsageException("unknown option(s) " + given.keySet());
        }
        if (options.inFlight() > 4096) {
            throw new UsageException(
                    "--in-flight must be at most 4096 (Pekko's persistence stash capacity), got " + options.inFlight());
        }
        return options;
    }

    private static int positive(Map<String, String> given, String key, int defaultValue) {
        String raw = given.remove(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.replace("_", ""));
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + key + " must be a positive whole number, got '" + raw + "'");
    }

    private static List<Engine> engines(String raw) {
        List<Engine> engines = new ArrayList<>();
        for (String name : raw.split(",")) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "sqlite" -> engines.add(Engine.SQLITE);
                case "postgresql", "postgres", "pg" -> engines.add(Engine.POSTGRESQL);
                case "" -> {}
                default ->
                    throw new UsageException("--engines takes sqlite and/or postgresql, got '" + name.trim()
                            + "' (example: --engines sqlite)");
            }
        }
        if (engines.isEmpty()) {
            throw new UsageException("--engines names no engine (example: --engines sqlite,postgresql)");
        }
        return List.copyOf(engines);
    }

    /** A mistake on the command line; a null message means "print the usage only". */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
