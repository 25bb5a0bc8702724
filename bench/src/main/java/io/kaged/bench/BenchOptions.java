package io.kaged.bench;

import io.kaged.persistence.store.Engine;
import java.util.List;

/** The benchmark's command line: sizes of every phase and the engines to run, with the defaults below. */
record BenchOptions(
        List<Engine> engines,
        int actors,
        int events,
        int inFlight,
        int warmupActors,
        int warmupEvents,
        int warmupRounds,
        int timedRounds,
        int recoveryEvents,
        int recoveryWarmupEvents,
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
              --warmup-rounds N        excluded warm-up rounds of writes, and of replays (default 6; 1 = cold)
              --timed-rounds N         timed rounds after them; the table shows their median and range (default 3)
              --recovery-events N      events replayed by the recovery phase (default 100000)
              --recovery-warmup N      events of each excluded warm-up replay round before it (default 100000)
              --raw-rows N             rows of the raw JDBC phase (default 100000)
              --raw-ids N              distinct persistence ids in the raw JDBC phase (default 100)
              --raw-rows-per-commit N  rows per raw JDBC transaction (default 100)
              --payload-chars N        characters of text in each event (default 100)
            kaged settings are read as usual and can be overridden with system properties, e.g.
              JAVA_OPTS=-Dkaged.storage.sqlite.synchronous=NORMAL bench/run-journal.sh --engines sqlite
            """;

    static BenchOptions parse(String[] args) {
        Flags f = Flags.parse(args);
        BenchOptions options = new BenchOptions(
                f.engines("sqlite,postgresql"),
                f.integer("actors", 100, 1),
                f.integer("events", 1000, 1),
                f.integer("in-flight", 8, 1),
                f.integer("warmup-actors", 100, 1),
                f.integer("warmup-events", 1000, 1),
                f.integer("warmup-rounds", 6, 1),
                f.integer("timed-rounds", 3, 1),
                f.integer("recovery-events", 100_000, 1),
                f.integer("recovery-warmup", 100_000, 1),
                f.integer("raw-rows", 100_000, 1),
                f.integer("raw-ids", 100, 1),
                f.integer("raw-rows-per-commit", 100, 1),
                f.integer("payload-chars", 100, 1));
        f.done();
        if (options.inFlight() > 4096) {
            throw new Flags.UsageException(
                    "--in-flight must be at most 4096 (Pekko's persistence stash capacity), got " + options.inFlight());
        }
        return options;
    }
}
