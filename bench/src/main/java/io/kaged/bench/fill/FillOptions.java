package io.kaged.bench.fill;

import io.kaged.bench.Flags;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What to put into the store: how many runs, sessions and audit rows, spread over how long a history
 * ending when, drawn from which seed. The same options (seed and end included) give the same data.
 *
 * @param inFlight runs (or sessions) being written at once, so the journal's group commit has company
 * @param append fill a store that already holds data (refused otherwise)
 */
public record FillOptions(
        int runs, int sessions, int audit, int months, Instant end, long seed, int inFlight, boolean append) {

    public static final String USAGE =
            """
            Usage: bench/fill-store.sh [options]
            Fills the store of the current KAGED_HOME / KAGED_DATABASE_URL (found exactly as kaged serve finds
            it) with made-up but real history: runs with their journal events and output, sessions, and
            audit rows. The daemon must be stopped; the store should be empty (see --append).
              --runs N        agent runs, all finished (default 100000)
              --audit N       audit-log rows (default 1000000)
              --sessions N    terminal sessions, all ended (default 300)
              --months N      the history spans this many months before --until (default 6)
              --until TIME    end of the history, ISO-8601 (default: now, to the minute)
              --seed N        seed of the mix; same seed and --until, same data (default 5)
              --in-flight N   runs written concurrently (default 256)
              --append        add to a store that already holds data
            """;

    public Duration span() {
        return Duration.ofDays(30L * months);
    }

    public Instant start() {
        return end.minus(span());
    }

    public static FillOptions parse(String[] args) {
        Flags f = Flags.parse(args, "append");
        FillOptions o = new FillOptions(
                f.integer("runs", 100_000, 0),
                f.integer("sessions", 300, 0),
                f.integer("audit", 1_000_000, 0),
                f.integer("months", 6, 1),
                f.instant("until", Instant.now().truncatedTo(ChronoUnit.MINUTES)),
                f.longValue("seed", 5),
                f.integer("in-flight", 256, 1),
                f.on("append"));
        f.done();
        return o;
    }

    /** Defaults scaled down: for tests and quick tries. */
    public static FillOptions small(int runs, int sessions, int audit, Instant end) {
        return new FillOptions(runs, sessions, audit, 6, end, 5, 64, false);
    }
}
