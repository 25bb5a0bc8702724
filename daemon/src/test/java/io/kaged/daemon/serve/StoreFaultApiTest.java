package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.SmallDisk;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk holding a SQLite store fills up under a live daemon: writes are refused fast with 507 naming
 * the disk, health says degraded, reads go on, nothing refused is recorded, and once there is room the
 * same daemon takes writes again. (A PostgreSQL server going away and coming back under a live daemon is
 * {@code PostgresRestartIT}'s.)
 */
class StoreFaultApiTest {

    private static final String RUN = "{\"command\":[\"/bin/sh\",\"-c\",\"echo ok\"]}";

    @TempDir
    Path home;

    @Test
    void aFullDiskIsRefusedFastAndWritesComeBackWithRoom() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(home, 16L * 1024 * 1024);
                TestDaemon kaged =
                        new TestDaemon(home, "sqlite://" + disk.path().resolve("kaged.db"), "")) {
            assertEquals(201, kaged.call("POST", "/v1/runs", RUN).statusCode());
            int accepted = 1;
            disk.fill();
            // the log may still have room the disk no longer has: writes go on until it does not
            HttpResponse<String> refused = null;
            for (int i = 0; i < 500 && refused == null; i++) {
                long started = System.nanoTime();
                HttpResponse<String> r = kaged.call("POST", "/v1/runs", RUN);
                if (r.statusCode() == 201) {
                    accepted++;
                    continue;
                }
                refused = r;
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the refusal took " + took);
            }
            assertTrue(refused != null, "no write was refused on a full disk");
            assertEquals(507, refused.statusCode(), refused.body());
            assertEquals(
                    "application/problem+json",
                    refused.headers().firstValue("Content-Type").orElse(""));
            assertTrue(
                    refused.body().contains("disk holding " + disk.path().resolve("kaged.db") + " has 0 bytes free"),
                    refused.body());

            long started = System.nanoTime();
            HttpResponse<String> again = kaged.call("POST", "/v1/runs", RUN);
            assertEquals(507, again.statusCode(), again.body());
            assertTrue(
                    Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(1)) < 0,
                    "a write while degraded is refused within a second");
            JsonNode health = kaged.json("GET", "/v1/health", null, 200);
            assertEquals("degraded", health.get("status").asText());
            assertTrue(health.get("reason").asText().contains("bytes free"), health.toString());
            assertTrue(
                    kaged.call("GET", "/metrics", null).body().contains("kaged_store_degraded 1.0"),
                    "the metric says degraded");
            assertEquals(
                    accepted,
                    kaged.json("GET", "/v1/runs?limit=1000", null, 200)
                            .get("items")
                            .size(),
                    "reads work, and no refused run was recorded");

            disk.free();
            Eventually.waitFor(
                    Duration.ofSeconds(20), "health ok again", () -> kaged.json("GET", "/v1/health", null, 200)
                            .get("status")
                            .asText()
                            .equals("ok"));
            HttpResponse<String> back = kaged.call("POST", "/v1/runs", RUN);
            assertEquals(201, back.statusCode(), back.body());
            String id = TestDaemon.JSON.readTree(back.body()).get("id").asText();
            Eventually.waitFor(TestDaemon.WAIT, "the run after the fault succeeded", () -> kaged.json(
                            "GET", "/v1/runs/" + id, null, 200)
                    .get("state")
                    .asText()
                    .equals("succeeded"));
            assertEquals(
                    accepted + 1,
                    kaged.json("GET", "/v1/runs?limit=1000", null, 200)
                            .get("items")
                            .size());
        }
    }
}
