package io.kaged.daemon.crash;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of a real {@code kaged serve} under load, again and again: the built jar started as an
 * operator starts it, on each engine, killed at a random moment while runs of every kind (short, long,
 * with child processes, failing, timing out, starting child runs through the API) and sessions are
 * going, then started again; now and then killed once more while it recovers (reaping the processes the
 * last one left, restarting sessions). After each start and at the end, {@link CrashChecks} says what must hold.
 *
 * <p>{@code -Dkaged.crash.cycles=N} sets the number of kills (bench/run-crash.sh raises it for a soak),
 * {@code -Dkaged.crash.seed=S} replays a run's random choices, {@code -Dkaged.crash.engines=sqlite} keeps
 * to the engines named.
 */
class KillNineIT {

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void nothingAcknowledgedIsLostAndEveryRunEnds(TestEngine engine) throws Exception {
        String engines = System.getProperty("kaged.crash.engines", "");
        assumeTrue(
                engines.isBlank()
                        || engines.toLowerCase().contains(engine.name().toLowerCase()),
                "engine left out by -Dkaged.crash.engines=" + engines);
        int cycles = Integer.getInteger("kaged.crash.cycles", 10);
        long seed = Long.getLong("kaged.crash.seed", System.nanoTime());
        String mark = UUID.randomUUID().toString();
        Path home = Files.createDirectories(work.resolve("home"));
        String url = engine == TestEngine.SQLITE ? null : TestDatabases.newPostgresUrl();
        StoreRows store =
                engine == TestEngine.SQLITE ? StoreRows.sqlite(home.resolve("kaged.db")) : StoreRows.postgres(url);
        System.out.printf("%s: %d cycles, seed %d, mark %s%n", engine, cycles, seed, mark);
        Random random = new Random(seed);
        long began = System.nanoTime();
        try (KagedServe serve = new KagedServe("kill-9-" + engine.name().toLowerCase(), home, url)) {
            LoadedServe loaded = LoadedServe.start(serve, mark, work, seed);
            CrashChecks checks = loaded.checks;
            Workload load = loaded.load;
            try (load) {
                for (int cycle = 1; cycle <= cycles; cycle++) {
                    Thread.sleep(1000 + random.nextInt(3500));
                    String at = "kill -9 #" + cycle;
                    checks.noLeftovers("before " + at);
                    Map<String, StoreRows.Event> committed = store.journal();
                    long killedAt = System.nanoTime();
                    serve.kill9();
                    Thread.sleep(random.nextInt(800));
                    serve.start();
                    if (random.nextInt(5) == 0) {
                        // again while it recovers: reaping the old attempts' processes, restarting sessions
                        Thread.sleep(random.nextInt(500));
                        serve.kill9();
                        serve.start();
                        at += " (and once more while recovering)";
                    }
                    long downMs = (System.nanoTime() - killedAt) / 1_000_000;
                    checks.eventsKept(committed, store.journal(), "after " + at);
                    checks.acknowledgedKept(load, "after " + at);
                    checks.sessionsBack(load, "after " + at, LoadedServe.BACK_WITHIN);
                    System.out.printf(
                            "%s %s (at %d s): down %d ms; acknowledged %d runs, %d child runs, %d sessions; %d requests"
                                    + " unanswered%n",
                            engine,
                            at,
                            (System.nanoTime() - began) / 1_000_000_000,
                            downMs,
                            load.runs.size(),
                            load.children().size(),
                            load.sessions.size(),
                            load.unanswered.get());
                }
            }
            List<JsonNode> runs = loaded.settled();
            System.out.printf(
                    "%s: %d runs (%d acknowledged, %d child runs), %d sessions, %d cancels; by state %s%n",
                    engine,
                    runs.size(),
                    load.runs.size(),
                    load.children().size(),
                    load.sessions.size(),
                    load.cancels.get(),
                    Summary.byState(runs));
            if (engine == TestEngine.SQLITE) {
                Map<String, StoreRows.Event> committed = store.journal();
                serve.kill9();
                checks.eventsKept(committed, store.journal(), "after the last kill -9");
                List<String> integrity = store.integrityCheck();
                if (!integrity.equals(List.of("ok"))) {
                    checks.violation("PRAGMA integrity_check ok", "after the last kill -9: " + integrity);
                }
            }
            checks.assertNone();
            // the load must have been real, or the checks above prove nothing
            assertTrue(load.runs.size() >= 3 * cycles, "too few runs acknowledged: " + load.runs.size());
            assertFalse(
                    load.children().isEmpty(),
                    "no parent run started a child run through the API (their script needs curl)");
            assertTrue(Summary.byState(runs).containsKey("interrupted") || cycles < 3, "no run was ever interrupted");
        } finally {
            ProcTable.killAll(mark);
        }
    }
}
