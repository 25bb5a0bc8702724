package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.ReadOnlyDisk;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system holding a SQLite store turns read-only under a live daemon, as a server's disk does
 * when the kernel meets an I/O error: writes are refused fast with 503 naming the read-only disk and the
 * store, health says degraded, reads go on, nothing refused is recorded. Such a mount is not made writable
 * again in place (see {@link ReadOnlyDisk}); once the operator has repaired it and started the daemon
 * again, every write acknowledged before the fault is there and writes are taken.
 */
class ReadOnlyStoreApiTest {

    private static final String RUN = "{\"command\":[\"/bin/sh\",\"-c\",\"echo ok\"]}";

    @TempDir
    Path home;

    @Test
    void aStoreOnADiskTurnedReadOnlyRefusesWritesFastAndServesReads() throws Exception {
        try (ReadOnlyDisk disk = ReadOnlyDisk.mount(home, 64L * 1024 * 1024)) {
            String url = "sqlite://" + disk.path().resolve("kaged.db");
            String cause = "the file system holding " + disk.path() + " is read-only";
            String finished;
            try (TestDaemon kaged = new TestDaemon(home, url, "")) {
                kaged.json("POST", "/v1/projects", "{\"name\":\"kept\",\"config\":{\"model\":\"a\"}}", 201);
                finished = kaged.dispatch(null, "/bin/sh", "-c", "echo ok");
                kaged.awaitState(finished, "succeeded");
                String session = kaged.json("POST", "/v1/sessions", "{\"command\":[\"cat\"]}", 201)
                        .get("id")
                        .asText();
                Eventually.waitFor(TestDaemon.WAIT, "the session runs", () -> kaged.json(
                                "GET", "/v1/sessions/" + session, null, 200)
                        .get("state")
                        .asText()
                        .equals("running"));
                // what the file system had not synced is lost with its journal, as on a power loss; with
                // synchronous = NORMAL that is at most checkpoint.sync-every (1 s): wait past it
                Thread.sleep(3000);

                disk.failReadOnly();
                long started = System.nanoTime();
                HttpResponse<String> first = kaged.call("POST", "/v1/runs", RUN);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                System.err.println("first write on the read-only disk: " + first.statusCode() + " in " + took.toMillis()
                        + " ms: " + first.body());
                assertStoreFault(first, cause);
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the first refusal took " + took);

                String[][] writes = {
                    {"POST", "/v1/runs", RUN},
                    {"POST", "/v1/projects", "{\"name\":\"refused\"}"},
                    {"PUT", "/v1/projects/kept/config", "{\"config\":{\"model\":\"b\"}}"},
                    {"POST", "/v1/sessions/" + session + "/input", "{\"data\":\"typed\\n\"}"},
                    {"DELETE", "/v1/runs/" + finished + "?purge=true", null},
                };
                for (String[] w : writes) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = kaged.call(w[0], w[1], w[2]);
                    Duration t = Duration.ofNanos(System.nanoTime() - t0);
                    System.err.println(w[0] + " " + w[1] + " on the read-only disk: " + r.statusCode() + " in "
                            + t.toMillis() + " ms");
                    assertStoreFault(r, cause);
                    assertTrue(t.compareTo(Duration.ofSeconds(1)) < 0, w[0] + " " + w[1] + " took " + t);
                }

                JsonNode health = kaged.json("GET", "/v1/health", null, 200);
                System.err.println("health on the read-only disk: " + health);
                assertEquals("degraded", health.get("status").asText());
                assertTrue(health.get("reason").asText().contains(cause), health.toString());
                assertTrue(health.get("reason").asText().contains(url), health.toString());
                assertTrue(
                        kaged.call("GET", "/metrics", null).body().contains("kaged_store_degraded 1.0"),
                        "the metric says degraded");

                assertEquals(1, runs(kaged), "reads work, and no refused run was recorded");
                assertEquals("succeeded", kaged.state(finished));
                HttpResponse<String> output = kaged.call("GET", "/v1/runs/" + finished + "/output", null);
                assertEquals(200, output.statusCode(), output.body());
                assertTrue(output.body().contains("ok"), output.body());
                assertEquals(
                        404, kaged.call("GET", "/v1/projects/refused", null).statusCode());
                assertEquals(
                        "a",
                        kaged.json("GET", "/v1/projects/kept", null, 200)
                                .get("config")
                                .get("model")
                                .asText());

                // the probe does not take a read-only disk for a writable one
                Thread.sleep(2500);
                assertEquals(
                        "degraded",
                        kaged.json("GET", "/v1/health", null, 200).get("status").asText());
            }

            disk.repair();
            try (TestDaemon kaged = new TestDaemon(home, url, "")) {
                assertEquals(
                        "ok",
                        kaged.json("GET", "/v1/health", null, 200).get("status").asText());
                assertEquals("succeeded", kaged.state(finished), "the run acknowledged before the fault is kept");
                assertEquals(1, runs(kaged), "no refused run was recorded");
                assertEquals(
                        404, kaged.call("GET", "/v1/projects/refused", null).statusCode());
                HttpResponse<String> back = kaged.call("POST", "/v1/runs", RUN);
                assertEquals(201, back.statusCode(), back.body());
                kaged.awaitState(TestDaemon.JSON.readTree(back.body()).get("id").asText(), "succeeded");
                kaged.json("POST", "/v1/projects", "{\"name\":\"refused\"}", 201);
            }
        }
    }

    private static int runs(TestDaemon kaged) throws Exception {
        return kaged.json("GET", "/v1/runs?limit=1000", null, 200).get("items").size();
    }

    private static void assertStoreFault(HttpResponse<String> r, String cause) {
        String what = r.request().method() + " " + r.request().uri() + ": " + r.body();
        assertEquals(503, r.statusCode(), what);
        assertEquals(
                "application/problem+json",
                r.headers().firstValue("Content-Type").orElse(""),
                what);
        assertTrue(r.headers().firstValue("Retry-After").isPresent(), what);
        assertTrue(r.body().contains(cause), what);
        assertTrue(r.body().contains("nothing was recorded or started"), what);
    }
}
