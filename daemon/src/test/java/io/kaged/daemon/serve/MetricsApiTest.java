package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.http.routes.RunTokens;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code GET /metrics} on a real daemon: its auth, its format, and numbers that follow real work. */
class MetricsApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN_ID = "0190d9c8-0000-7000-8000-000000000001";

    @TempDir
    Path home;

    private TestDaemon kaged;

    private void start(TestEngine engine, String config) throws Exception {
        kaged = new TestDaemon(engine, home, config);
    }

    private String token() throws Exception {
        return kaged.token();
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        return kaged.as(token, method, path, body);
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> r = send(token(), "GET", "/metrics", null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                "text/plain; version=0.0.4; charset=UTF-8",
                r.headers().firstValue("Content-Type").orElseThrow());
        return PrometheusText.parse(r.body());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(token(), "GET", path, null);
        assertEquals(200, r.statusCode(), path + " -> " + r.body());
        return JSON.readTree(r.body());
    }

    private String post(String path, Object body) throws Exception {
        HttpResponse<String> r = send(token(), "POST", path, JSON.writeValueAsString(body));
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asText();
    }

    private static Map<String, String> state(String state) {
        return Map.of("state", state);
    }

    private static Map<String, String> request(String method, String route, int status) {
        return Map.of("method", method, "route", route, "status", Integer.toString(status));
    }

    @Test
    void needsTheDaemonTokenAndRefusesARunToken() throws Exception {
        start(TestEngine.SQLITE, "");
        try {
            HttpResponse<String> none = send(null, "GET", "/metrics", null);
            assertEquals(401, none.statusCode());
            assertTrue(none.body().contains("Authorization: Bearer"), none.body());
            assertFalse(none.body().contains("kaged_"), "no numbers without the token");
            assertEquals(401, send("not-the-token", "GET", "/metrics", null).statusCode());
            HttpResponse<String> scoped = send(new RunTokens(token()).issue(RUN_ID), "GET", "/metrics", null);
            assertEquals(403, scoped.statusCode());
            assertTrue(scoped.body().contains("KAGED_TOKEN"), scoped.body());
            assertEquals(405, send(token(), "POST", "/metrics", null).statusCode());

            PrometheusText metrics = scrape();
            assertEquals(
                    2.0,
                    metrics.value("kaged_http_requests_total", request("GET", "/metrics", 401)),
                    "refused scrapes are counted too");
            assertEquals(1.0, metrics.value("kaged_http_requests_total", request("GET", "/metrics", 403)));
        } finally {
            kaged.close();
        }
    }

    @Test
    void isOpenWhenConfiguredOpenWhileTheApiStaysClosed() throws Exception {
        start(TestEngine.SQLITE, "kaged.http.metrics.open = true\n");
        try {
            HttpResponse<String> open = send(null, "GET", "/metrics", null);
            assertEquals(200, open.statusCode(), open.body());
            PrometheusText metrics = PrometheusText.parse(open.body());
            assertEquals("gauge", metrics.types().get("kaged_runs"));
            assertEquals(401, send(null, "GET", "/v1/info", null).statusCode(), "only /metrics is open");
            assertEquals(
                    200,
                    send(new RunTokens(token()).issue(RUN_ID), "GET", "/metrics", null)
                            .statusCode(),
                    "open means open to any caller");
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void numbersFollowRunsSessionsRequestsAndJournalWrites(TestEngine engine) throws Exception {
        start(engine, "");
        try {
            PrometheusText before = scrape();
            for (String s : List.of(
                    "queued", "running", "paused", "succeeded", "failed", "cancelled", "timed-out", "interrupted")) {
                assertEquals(0.0, before.value("kaged_runs", state(s)), "every run state reported, " + s);
            }
            assertEquals(0.0, before.value("kaged_sessions_live"));
            assertEquals("histogram", before.types().get("kaged_journal_batch_events"));
            assertEquals("histogram", before.types().get("kaged_journal_write_latency_seconds"));
            assertTrue(before.value("jvm_memory_used_bytes", Map.of("area", "heap")) > 0, "heap used");
            assertTrue(before.value("jvm_threads_current") > 0, "threads");
            assertTrue(before.types().containsKey("jvm_gc_collection_seconds"), "GC");

            List<String> runs = List.of(
                    post("/v1/runs", Map.of("command", List.of("true"))),
                    post("/v1/runs", Map.of("command", List.of("true"))),
                    post("/v1/runs", Map.of("command", List.of("/bin/sh", "-c", "exit 3"))));
            for (String id : runs) {
                Eventually.waitFor(
                        WAIT, "run " + id + " ends", () -> get("/v1/runs/" + id).has("endedAt"));
            }
            String session = post("/v1/sessions", Map.of("command", List.of("/bin/cat")));
            Eventually.waitFor(
                    WAIT,
                    "session running",
                    () -> get("/v1/sessions/" + session).get("state").asText().equals("running"));
            for (int i = 0; i < 5; i++) {
                get("/v1/runs/" + runs.get(0) + "/output");
            }
            assertEquals(
                    404,
                    send(token(), "GET", "/v1/runs/" + RUN_ID + "/output", null).statusCode());
            assertEquals(
                    404, send(token(), "GET", "/v1/no/such/" + RUN_ID, null).statusCode());
            assertEquals(404, send(token(), "GET", "/wp-login.php", null).statusCode());

            PrometheusText after = scrape();
            assertEquals("counter", after.types().get("kaged_http_requests_total"));
            assertEquals("histogram", after.types().get("kaged_http_request_duration_seconds"));
            assertEquals(2.0, after.value("kaged_runs", state("succeeded")));
            assertEquals(1.0, after.value("kaged_runs", state("failed")));
            assertEquals(0.0, after.value("kaged_runs", state("queued")));
            JsonNode byState = get("/v1/stats").get("runs").get("byState");
            byState.fields()
                    .forEachRemaining(e -> assertEquals(
                            e.getValue().asDouble(), after.value("kaged_runs", state(e.getKey())), e.getKey()));
            assertEquals(1.0, after.value("kaged_sessions", state("running")));
            assertEquals(1.0, after.value("kaged_sessions_live"));

            String output = "/v1/runs/{runId}/output";
            assertEquals(5.0, after.value("kaged_http_requests_total", request("GET", output, 200)));
            assertEquals(1.0, after.value("kaged_http_requests_total", request("GET", output, 404)));
            assertEquals(3.0, after.value("kaged_http_requests_total", request("POST", "/v1/runs", 201)));
            assertEquals(1.0, after.value("kaged_http_requests_total", request("POST", "/v1/sessions", 201)));
            assertEquals(
                    2.0,
                    after.value("kaged_http_requests_total", request("GET", "unmatched", 404)),
                    "unknown paths share one label");
            assertEquals(
                    6.0,
                    after.value("kaged_http_request_duration_seconds_count", Map.of("method", "GET", "route", output)));
            assertEquals(1.0, after.value("kaged_http_requests_total", request("GET", "/metrics", 200)));
            for (PrometheusText.Sample s : after.samples()) {
                for (String value : s.labels().values()) {
                    assertFalse(
                            runs.stream().anyMatch(value::contains)
                                    || value.contains(session)
                                    || value.contains(RUN_ID),
                            "an id in a label: " + s);
                }
            }

            // Each run persists several events (dispatched, started, exited, ...); every one is committed.
            double events =
                    after.value("kaged_journal_batch_events_sum") - before.value("kaged_journal_batch_events_sum");
            double batches =
                    after.value("kaged_journal_batch_events_count") - before.value("kaged_journal_batch_events_count");
            double writes = after.value("kaged_journal_write_latency_seconds_count")
                    - before.value("kaged_journal_write_latency_seconds_count");
            assertTrue(events >= 3 * 3, "events committed: " + events);
            assertTrue(batches >= 1 && batches <= events, "transactions: " + batches);
            assertTrue(writes >= 3 * 3 && writes <= events, "writes timed: " + writes);
            long journalRows = io.kaged.persistence.store.StoreExtension.store(
                            kaged.daemon.system().classicSystem())
                    .withConnection(c -> {
                        try (var st = c.createStatement();
                                var rs = st.executeQuery("SELECT COUNT(*) FROM journal")) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    });
            assertEquals(
                    (double) journalRows,
                    after.value("kaged_journal_batch_events_sum"),
                    "every journal row was counted in exactly one committed transaction");
        } finally {
            kaged.close();
        }
    }
}
