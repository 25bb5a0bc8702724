package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.SmallDisk;
import io.kaged.persistence.testing.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk holding a PostgreSQL store's tables fills up under a live daemon. The server stays up and
 * refuses each write with SQLSTATE 53100 (disk_full); the daemon answers 507 naming the server's full
 * disk, fast, records nothing it refused, serves reads, and takes writes again once there is room,
 * without a restart. The database lives in a tablespace on a small tmpfs, so the server's own files and
 * write-ahead log keep their room: a server whose log disk fills stops, which is a server going away
 * ({@code PostgresRestartIT}).
 */
class PostgresDiskFullApiTest {

    private static final String RUN = "{\"command\":[\"/bin/sh\",\"-c\",\"echo ok\"]}";

    @TempDir
    Path home;

    @Test
    void aFullDiskUnderPostgresIsRefusedFastAndWritesComeBackWithRoom() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(home, 48L * 1024 * 1024)) {
            String url = TestDatabases.newPostgresUrlOn(disk.path());
            try (TestDaemon kaged = new TestDaemon(home, url, "")) {
                kaged.json("POST", "/v1/projects", "{\"name\":\"kept\",\"config\":{\"model\":\"a\"}}", 201);
                String finished = kaged.dispatch(null, "/bin/sh", "-c", "echo done");
                kaged.awaitState(finished, "succeeded");
                int accepted = 1;

                disk.fill();
                // pages the tables already have may still take rows: writes go on until one needs a new page
                HttpResponse<String> refused = null;
                for (int i = 0; i < 2000 && refused == null; i++) {
                    long started = System.nanoTime();
                    HttpResponse<String> r = i % 2 == 0
                            ? kaged.call("POST", "/v1/runs", RUN)
                            : kaged.call(
                                    "POST",
                                    "/v1/projects/kept/prompts/filler",
                                    "{\"body\":\"" + "x".repeat(4000) + "\"}");
                    if (r.statusCode() == 201) {
                        accepted += i % 2 == 0 ? 1 : 0;
                        continue;
                    }
                    refused = r;
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    System.err.println("first refused write on the full disk: " + r.statusCode() + " in "
                            + took.toMillis() + " ms: " + r.body());
                    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the refusal took " + took);
                }
                assertTrue(refused != null, "no write was refused on a full disk");
                String cause = "disk of the PostgreSQL server";
                assertStoreFault(refused, cause);
                assertTrue(!refused.body().contains("test-secret"), "the password stays out: " + refused.body());

                String[][] writes = {
                    {"POST", "/v1/runs", RUN},
                    {"POST", "/v1/projects", "{\"name\":\"refused\"}"},
                    {"PUT", "/v1/projects/kept/config", "{\"config\":{\"model\":\"b\"}}"},
                    {"POST", "/v1/projects/kept/prompts/refused", "{\"body\":\"" + "y".repeat(4000) + "\"}"},
                };
                for (String[] w : writes) {
                    long started = System.nanoTime();
                    HttpResponse<String> r = kaged.call(w[0], w[1], w[2]);
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    assertStoreFault(r, cause);
                    assertTrue(
                            took.compareTo(Duration.ofSeconds(1)) < 0,
                            w[0] + " " + w[1] + " while the disk is full took " + took);
                }
                // the server still fits some writes into pages it has, and the probe must not take that for room
                Thread.sleep(2500);
                assertStoreFault(kaged.call("POST", "/v1/runs", RUN), cause);
                JsonNode health = kaged.json("GET", "/v1/health", null, 200);
                System.err.println("health on the full disk: " + health);
                assertEquals("degraded", health.get("status").asText(), health.toString());
                assertTrue(health.get("reason").asText().contains(cause), health.toString());

                // reads go on, and nothing refused is recorded
                assertEquals(
                        accepted,
                        kaged.json("GET", "/v1/runs?limit=1000", null, 200)
                                .get("items")
                                .size());
                assertEquals("succeeded", kaged.state(finished));
                assertEquals(
                        404, kaged.call("GET", "/v1/projects/refused", null).statusCode());
                assertEquals(
                        404,
                        kaged.call("GET", "/v1/projects/kept/prompts/refused", null)
                                .statusCode());
                assertEquals(
                        "a",
                        kaged.json("GET", "/v1/projects/kept", null, 200)
                                .get("config")
                                .get("model")
                                .asText());

                disk.free();
                Eventually.waitFor(
                        Duration.ofSeconds(20), "health ok again", () -> kaged.json("GET", "/v1/health", null, 200)
                                .get("status")
                                .asText()
                                .equals("ok"));
                HttpResponse<String> back = kaged.call("POST", "/v1/runs", RUN);
                assertEquals(201, back.statusCode(), back.body());
                kaged.awaitState(TestDaemon.JSON.readTree(back.body()).get("id").asText(), "succeeded");
                kaged.json("POST", "/v1/projects", "{\"name\":\"refused\"}", 201);
                kaged.json("PUT", "/v1/projects/kept/config", "{\"config\":{\"model\":\"b\"}}", 200);
                assertEquals(
                        accepted + 1,
                        kaged.json("GET", "/v1/runs?limit=1000", null, 200)
                                .get("items")
                                .size());
            } finally {
                TestDatabases.dropPostgresOn(url);
            }
        }
    }

    private static void assertStoreFault(HttpResponse<String> r, String cause) {
        String what = r.request().method() + " " + r.request().uri() + ": " + r.body();
        assertEquals(507, r.statusCode(), what);
        assertEquals(
                "application/problem+json",
                r.headers().firstValue("Content-Type").orElse(""),
                what);
        assertTrue(r.body().contains(cause), what);
        assertTrue(r.body().contains("nothing was recorded or started"), what);
    }
}
