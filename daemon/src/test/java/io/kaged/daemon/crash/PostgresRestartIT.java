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
 * data folder and port of this test's own, so that it can be stopped and started on the same data.
 */
class PostgresRestartIT {

    private static final Duration BACK_WITHIN = Duration.ofSeconds(30);
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
            serve.start();
            long daemonPid = serve.pid();
            Api api = new Api(
                    serve.port(), Files.readString(home.resolve("auth-token")).trim());
            CrashChecks checks = new CrashChecks(api, mark);
            Workload load = new Workload(api, mark, work, seed);
            try (load) {
                load.alwaysSessions(3);
                checks.sessionsBack(load, "first start", BACK_WITHIN);
                load.start();
                for (int cycle = 1; cycle <= restarts; cycle++) {
                    Thread.sleep(2000 + random.nextInt(2000));
                    String at = "PostgreSQL restart #" + cycle;
                    Map<String, StoreRows.Event> committed = store.journal();
                    pg.close();
                    Thread.sleep(2000 + random.nextInt(2000));
                    pg = postgres(data, pgPort);
                    long back = writesAgain(api, mark, checks, "after " + at);
                    if (!serve.healthy() || serve.pid() != daemonPid) {
                        checks.violation(
                                "same daemon goes on", "after " + at + ": the daemon is gone\n" + serve.logTail());
                        break;
                    }
                    checks.eventsKept(committed, store.journal(), "after " + at);
                    checks.acknowledgedKept(load, "after " + at);
                    checks.sessionsBack(load, "after " + at, BACK_WITHIN);
                    System.out.printf(
                            "%s: writes taken again %d ms after the server was back; acknowledged %d runs, %d child"
                                    + " runs, %d sessions%n",
                            at, back, load.runs.size(), load.children().size(), load.sessions.size());
                }
            }
            List<JsonNode> runs = checks.everyRunEnds(Duration.ofSeconds(90));
            checks.acknowledgedKept(load, "at the end");
            checks.endedPerPolicy(runs);
            checks.sessionsBack(load, "at the end", BACK_WITHIN);
            checks.noLeftovers("at the end");
            System.out.printf("PostgreSQL restarts: %d runs, by state %s%n", runs.size(), Summary.byState(runs));
            serve.logLines("ERROR").stream().limit(20).forEach(System.out::println);
            checks.assertNone();
        } finally {
            ProcTable.killAll(mark);
            pg.close();
        }
    }

    /**
     * Dispatches a run until one is acknowledged and succeeds; how long that took (ms), or a violation
     * if it never did within the bound.
     */
    private static long writesAgain(Api api, String mark, CrashChecks checks, String at) throws Exception {
        long start = System.nanoTime();
        long deadline = start + WRITES_AGAIN_WITHIN.toNanos();
        String last = "no answer";
        Map<String, Object> probe = Map.of(
                "command",
                List.of("sh", "-c", "echo probe", ProcTable.argvMarker(mark)),
                "env",
                Map.of(ProcTable.ENV, mark));
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
