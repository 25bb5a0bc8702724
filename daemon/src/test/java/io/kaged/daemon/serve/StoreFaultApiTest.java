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
            awaitHealthOk(kaged);
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

    /**
     * The routes that write the store themselves, with no actor between (projects, prompt versions, config),
     * and the purges and retention runs whose deletion does: each is refused within a second with 507
     * naming the disk while it is full, leaves nothing behind (a live session is not ended for a purge
     * that cannot be recorded), and works again once there is room. The first write to meet the full
     * disk may be a project's: it is answered the same way.
     */
    @Test
    void directWritesAndPurgesAreRefusedFastOnAFullDiskAndLeaveNothing() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(home, 16L * 1024 * 1024);
                TestDaemon kaged =
                        new TestDaemon(home, "sqlite://" + disk.path().resolve("kaged.db"), "")) {
            kaged.json("POST", "/v1/projects", "{\"name\":\"kept\",\"config\":{\"model\":\"a\"}}", 201);
            String finished = kaged.dispatch(null, "/bin/sh", "-c", "echo done");
            kaged.awaitState(finished, "succeeded");
            String session = kaged.json("POST", "/v1/sessions", "{\"command\":[\"sleep\",\"300\"]}", 201)
                    .get("id")
                    .asText();
            Eventually.waitFor(TestDaemon.WAIT, "the session runs", () -> sessionState(kaged, session)
                    .equals("running"));
            String fault = "disk holding " + disk.path().resolve("kaged.db") + " has 0 bytes free";

            disk.fill();
            HttpResponse<String> first = null;
            int projects = 0;
            for (int i = 0; i < 500 && first == null; i++) {
                long started = System.nanoTime();
                HttpResponse<String> r = i % 2 == 0
                        ? kaged.call("POST", "/v1/projects", "{\"name\":\"p" + i + "\"}")
                        : kaged.call(
                                "POST", "/v1/projects/kept/prompts/filler", "{\"body\":\"" + "x".repeat(4000) + "\"}");
                if (r.statusCode() == 201) {
                    projects += i % 2 == 0 ? 1 : 0;
                    continue;
                }
                first = r;
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the refusal took " + took);
            }
            assertTrue(first != null, "no project write was refused on a full disk");
            assertStoreFault(first, 507, fault);

            String[][] writes = {
                {"POST", "/v1/projects", "{\"name\":\"refused\"}"},
                {"PUT", "/v1/projects/kept/config", "{\"config\":{\"model\":\"b\"}}"},
                {"POST", "/v1/projects/kept/prompts/refused", "{\"body\":\"text\"}"},
                {"DELETE", "/v1/runs/" + finished + "?purge=true", null},
                {"DELETE", "/v1/sessions/" + session + "?purge=true", null},
                {"POST", "/v1/sessions/" + session + "/resize", "{\"cols\":100,\"rows\":30}"},
                {"POST", "/v1/runs/" + finished + "/cancel", null},
                {"POST", "/v1/prune?dryRun=false", null},
            };
            for (String[] w : writes) {
                long started = System.nanoTime();
                HttpResponse<String> r = kaged.call(w[0], w[1], w[2]);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertStoreFault(r, 507, fault);
                assertTrue(
                        took.compareTo(Duration.ofSeconds(1)) < 0,
                        w[0] + " " + w[1] + " while the disk is full took " + took);
            }
            assertEquals(200, kaged.call("POST", "/v1/prune?dryRun=true", null).statusCode(), "a dry run reads");

            // nothing refused is recorded, nothing is ended or deleted
            assertEquals(
                    projects + 1,
                    kaged.json("GET", "/v1/projects?limit=1000", null, 200)
                            .get("items")
                            .size());
            assertEquals(404, kaged.call("GET", "/v1/projects/refused", null).statusCode());
            assertEquals(
                    "a",
                    kaged.json("GET", "/v1/projects/kept", null, 200)
                            .get("config")
                            .get("model")
                            .asText());
            assertEquals(
                    404,
                    kaged.call("GET", "/v1/projects/kept/prompts/refused", null).statusCode());
            assertEquals("succeeded", kaged.state(finished));
            assertEquals("running", sessionState(kaged, session), "a refused purge does not end the session");
            assertEquals(
                    0,
                    kaged.count(
                            "SELECT COUNT(*) FROM audit WHERE kind IN ('run.purge', 'session.purge', 'session.terminate')"
                                    + " OR subject = 'refused' OR (kind = 'project.config' AND subject = 'kept')"),
                    "nothing refused on the fault is in the audit log");

            disk.free();
            awaitHealthOk(kaged);
            kaged.json("POST", "/v1/projects", "{\"name\":\"refused\"}", 201);
            kaged.json("PUT", "/v1/projects/kept/config", "{\"config\":{\"model\":\"b\"}}", 200);
            kaged.json("POST", "/v1/projects/kept/prompts/refused", "{\"body\":\"text\"}", 201);
            kaged.json("DELETE", "/v1/runs/" + finished + "?purge=true", null, 200);
            kaged.json("DELETE", "/v1/sessions/" + session + "?purge=true", null, 200);
            kaged.json("POST", "/v1/prune?dryRun=false", null, 200);
            assertEquals(404, kaged.call("GET", "/v1/runs/" + finished, null).statusCode());
            assertEquals(404, kaged.call("GET", "/v1/sessions/" + session, null).statusCode());
        }
    }

    /** Room again: the same daemon finds the store writable (its probe) without a restart. */
    private static void awaitHealthOk(TestDaemon kaged) throws InterruptedException {
        Eventually.waitFor(Duration.ofSeconds(20), "health ok again", () -> kaged.json("GET", "/v1/health", null, 200)
                .get("status")
                .asText()
                .equals("ok"));
    }

    private static String sessionState(TestDaemon kaged, String id) throws Exception {
        return kaged.json("GET", "/v1/sessions/" + id, null, 200).get("state").asText();
    }

    private static void assertStoreFault(HttpResponse<String> r, int status, String cause) {
        assertEquals(
                status, r.statusCode(), r.request().method() + " " + r.request().uri() + ": " + r.body());
        assertEquals(
                "application/problem+json",
                r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains(cause), r.body());
        assertTrue(r.body().contains("nothing was recorded or started"), r.body());
    }
}
