package io.kaged.bench;

import io.kaged.persistence.store.Engine;
import java.nio.file.Path;
import java.util.List;

/** The query benchmark's command line, with the defaults of issue #5. */
record QueryBenchOptions(
        List<Engine> engines,
        int runs,
        int audit,
        int sessions,
        int requests,
        int warmup,
        int warmupSeconds,
        int rounds,
        Path work) {

    static final String USAGE =
            """
            Usage: bench/run-queries.sh [options]   (or java io.kaged.bench.QueryBench [options])
              --engines LIST   sqlite,postgresql (default: both)
              --runs N         runs in the filled store (default 100000)
              --audit N        audit rows in the filled store (default 1000000)
              --sessions N     sessions in the filled store (default 300)
              --requests N     measured requests per query and round (default 200)
              --warmup-seconds S  after each daemon start, send every query in turn for S seconds,
                               unmeasured, so the JIT is done before measuring (default 20)
              --warmup N       then N unmeasured requests of each query right before its own (default 20)
              --rounds N       daemon starts on the same store, each measured (default 2)
              --work DIR       keep the stores in DIR and measure them again next time (default: a
                               temporary folder, deleted at the end)
            PostgreSQL is an embedded server the benchmark starts, or the empty (or already filled) database
            named by KAGED_BENCH_POSTGRES_URL=postgres://user:pass@host:5432/db.
            """;

    static QueryBenchOptions parse(String[] args) {
        Flags f = Flags.parse(args);
        String work = f.text("work", null);
        QueryBenchOptions o = new QueryBenchOptions(
                f.engines("sqlite,postgresql"),
                f.integer("runs", 100_000, 200),
                f.integer("audit", 1_000_000, 200),
                f.integer("sessions", 300, 0),
                f.integer("requests", 200, 1),
                f.integer("warmup", 20, 0),
                f.integer("warmup-seconds", 20, 0),
                f.integer("rounds", 2, 1),
                work == null ? null : Path.of(work));
        f.done();
        return o;
    }
}
