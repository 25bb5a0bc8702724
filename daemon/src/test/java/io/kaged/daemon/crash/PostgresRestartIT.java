package io.kaged.daemon.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL server stopped and started again under a live {@code kaged serve} and its load: the same
 * daemon process must take writes again once the server is back, without a restart of its own, and what
 * {@link CrashChecks} asks of a kill -9 must hold here too. The server is the tests' embedded one, on a
 * data folder and port of this test's own, so that it can be stopped and started on the same data. The
 * first time the server is down, {@link StoreDownChecks} asks what an operator sees meanwhile.
 */
class PostgresRestartIT {

    private static final Duration WRITES_AGAIN_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void sameDaemonTakesWritesAgainAfterItsServerRestarts() throws Exception {
        int restarts = Integer.getInteger("kaged.crash.pg-restarts", 2);
        long seed = Long.getLong("kaged.crash.seed", System.nanoTime());
        String mark = UUID.randomUUID().toString();
        Path data = work.resolve("pgdata");
        int pgPort = freePort();
        EmbeddedPostgres pg = postgres(data, pgPort);
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE kaged_crash");
        }
        String url = "postgres://postgres:test-secret@localhost:" + pgPort + "/kaged_crash";
        StoreRows store = StoreRows.postgres(url);
        Path home = Files.createDirectories(work.resolve("home"));
        System.out.printf("PostgreSQL restarts: %d, seed %d, mark %s%n", restarts, seed, mark);
        Random random = new Random(seed);
        try (KagedServe serve = new KagedServe("postgres-restart", home, url)) {
            LoadedServe loaded = LoadedServe.start(serve, mark, work, seed);
            long daemonPid = serve.pid();
            Api api = loaded.api;
            CrashChecks checks = loaded.checks;
            Workload load = loaded.load;
            try (load) {
                for (int cycle = 1; cycle <= restarts; cycle++) {
                    Thread.sleep(2000 + random.nextInt(2000));
                    String at = "PostgreSQL restart #" + cycle;
                    // the first time, while the server is down: writes refused fast, health degraded, reads on
                    String finished = cycle == 1 ? finishedRun(api, mark) : null;
                    Map<String, StoreRows.Event> committed = store.journal();
                    pg.close();
                    if (finished != null) {
                        new StoreDownChecks(api, checks, pgPort).whileDown(finished, "while " + at + " is down");
                    } else {
                        Thread.sleep(2000 + random.nextInt(2000));
                    }
                    pg = postgres(data, pgPort);
                    long back = writesAgain(api, mark, checks, "after " + at);
                    if (!serve.healthy() || serve.pid() != daemonPid) {
                        checks.violation(
                                "same daemon goes on", "after " + at + ": the daemon is gone\n" + serve.logTail());
                        break;
                    }
                    checks.eventsKept(committed, store.journal(), "after " + at);
                    checks.acknowledgedKept(load, "after " + at);
                    if (finished != null) {
                        // after the journal is compared: this purges the run that was refused a purge
                        new StoreDownChecks(api, checks, pgPort).refusedLeftNothing(finished, "after " + at);
                    }
                    checks.sessionsBack(load, "after " + at, LoadedServe.BACK_WITHIN);
                    System.out.printf(
                            "%s: writes taken again %d ms after the server was back; acknowledged %d runs, %d child"
                                    + " runs, %d sessions%n",
                            at, back, load.runs.size(), load.children().size(), load.sessions.size());
                }
            }
            List<JsonNode> runs = loaded.settled();
            System.out.printf("PostgreSQL restarts: %d runs, by state %s%n", runs.size(), Summary.byState(runs));
            serve.logLines("ERROR").stream().limit(20).forEach(System.out::println);
            checks.assertNone();
        } finally {
            ProcTable.killAll(mark);
            pg.close();
        }
    }

    /** A run dispatched and succeeded, for a purge to be refused while the server is down. */
    private static String finishedRun(Api api, String mark) throws Exception {
        HttpResponse<String> r = api.send("POST", "/v1/runs", probe(mark));
        if (r.statusCode() != 201) {
            throw new AssertionError("POST /v1/runs before the restart: " + r.statusCode() + " " + r.body());
        }
        String id = Api.JSON.readTree(r.body()).get("id").asText();
        long deadline = System.nanoTime() + WRITES_AGAIN_WITHIN.toNanos();
        while (!api.get("/v1/runs/" + id).get("state").asText().equals("succeeded")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + id + " did not succeed before the restart");
            }
            Thread.sleep(100);
        }
        return id;
    }

    static Map<String, Object> probe(String mark) {
        return Map.of(
                "command",
                List.of("sh", "-c", "echo probe", ProcTable.argvMarker(mark)),
                "env",
                Map.of(ProcTable.ENV, mark));
    }

    /**
     * Dispatches a run until one is acknowledged and succeeds; how long that took (ms), or a violation
     * if it never did within the bound.
     */
    private static long writesAgain(Api api, String mark, CrashChecks checks, String at) throws Exception {
        long start = System.nanoTime();
        long deadline = start + WRITES_AGAIN_WITHIN.toNanos();
        String last = "no answer";
        Map<String, Object> probe = probe(mark);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = api.send("POST", "/v1/runs", probe);
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 201) {
                    String id = Api.JSON.readTree(r.body()).get("id").asText();
                    while (System.nanoTime() < deadline) {
                        String state = api.get("/v1/runs/" + id).get("state").asText();
                        if (state.equals("succeeded")) {
                            return (System.nanoTime() - start) / 1_000_000;
                        }
                        last = "probe run " + id + " is " + state;
                        Thread.sleep(200);
                    }
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        checks.violation(
                "the same daemon takes writes again",
                at + ": no run dispatched and finished within " + WRITES_AGAIN_WITHIN.toSeconds() + " s; last: "
                        + last);
        return -1;
    }

    private static EmbeddedPostgres postgres(Path data, int port) throws java.io.IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
