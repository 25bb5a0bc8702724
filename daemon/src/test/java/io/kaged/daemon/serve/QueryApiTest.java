package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The list routes, the audit log and the stats through the real daemon with real runs, on both engines. */
class QueryApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAR_CURSOR = "ffffffff-ffff-7fff-bfff-ffffffffffff";

    @TempDir
    Path home;

    private TestDaemon kaged;

    private void start(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return kaged.call(method, path, null);
    }

    private HttpResponse<String> as(String token, String method, String path, String body) throws Exception {
        return kaged.as(token, method, path, body);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = call("GET", path);
        assertEquals(200, r.statusCode(), path + " -> " + r.body());
        return JSON.readTree(r.body());
    }

    private List<String> ids(String path) throws Exception {
        return ids(get(path));
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    private String post(String path, Object body) throws Exception {
        HttpResponse<String> r =
                as(Files.readString(home.resolve("auth-token")).trim(), "POST", path, JSON.writeValueAsString(body));
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asText();
    }

    private String run(String project, String... command) throws Exception {
        return post(
                "/v1/runs",
                project == null ? Map.of("command", command) : Map.of("command", command, "project", project));
    }

    private void awaitEnded(String id) throws InterruptedException {
        Eventually.waitFor(
                WAIT, "run " + id + " ends", () -> get("/v1/runs/" + id).has("endedAt"));
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void filtersPagesSearchesAndCountsRealRuns(TestEngine engine) throws Exception {
        start(engine);
        try {
            String a = run("alpha", "/bin/sh", "-c", "echo needle-in-output");
            String b = run("alpha", "/bin/sh", "-c", "exit 3");
            String c = run("beta", "true");
            String d = run(null, "/bin/sh", "-c", "echo other >&2; exit 3");
            for (String id : List.of(a, b, c, d)) {
                awaitEnded(id);
            }

            JsonNode all = get("/v1/runs");
            assertEquals(List.of(a, b, c, d), ids(all));
            assertTrue(all.has("next") && all.get("next").isNull(), all.toString());
            assertEquals(100, all.get("limit").asInt());
            assertTrue(!all.has("search"), "no search, no report");

            assertEquals(List.of(b, d), ids("/v1/runs?exitCode=3"));
            assertEquals(List.of(a, c), ids("/v1/runs?exitCode=0"));
            assertEquals(List.of(a, b, d), ids("/v1/runs?command=sh"));
            assertEquals(List.of(a, b, d), ids("/v1/runs?command=" + q("/bin/sh")));
            assertEquals(List.of(c), ids("/v1/runs?command=true"));
            assertEquals(List.of(a, b), ids("/v1/runs?project=alpha"));
            assertEquals(List.of(b), ids("/v1/runs?project=alpha&exitCode=3"));
            assertEquals(List.of(a), ids("/v1/runs?project=alpha&state=succeeded"));
            assertEquals(List.of(b, d), ids("/v1/runs?state=failed"));

            String createdA = get("/v1/runs/" + a).get("createdAt").asText();
            assertEquals(List.of(a, b, c, d), ids("/v1/runs?createdAfter=" + createdA), "inclusive");
            assertEquals(List.of(), ids("/v1/runs?createdBefore=" + createdA), "exclusive");
            assertEquals(List.of(), ids("/v1/runs?createdAfter=" + Instant.now().plusSeconds(3600)));

            List<String> paged = new ArrayList<>();
            String cursor = null;
            for (int i = 0; i < 10; i++) {
                JsonNode page = get(
                        "/v1/runs?limit=1" + (cursor == null ? "" : (i % 2 == 0 ? "&after=" : "&cursor=") + cursor));
                paged.addAll(ids(page));
                cursor = page.get("next").isNull() ? null : page.get("next").asText();
                if (cursor == null) {
                    break;
                }
            }
            assertEquals(List.of(a, b, c, d), paged, "after= and cursor= page alike");
            JsonNode newest = get("/v1/runs?order=desc&limit=3");
            assertEquals(List.of(d, c, b), ids(newest));
            assertEquals(b, newest.get("next").asText());
            assertEquals(List.of(a), ids("/v1/runs?order=desc&after=" + b));
            JsonNode pastOffset = get("/v1/runs?offset=4");
            assertEquals(List.of(), ids(pastOffset));
            assertTrue(pastOffset.get("next").isNull());
            JsonNode pastCursor = get("/v1/runs?after=" + FAR_CURSOR);
            assertEquals(List.of(), ids(pastCursor));
            assertTrue(pastCursor.get("next").isNull());

            JsonNode found = get("/v1/runs?outputContains=needle-in-output");
            assertEquals(List.of(a), ids(found));
            assertTrue(found.get("search").get("complete").asBoolean(), found.toString());
            assertEquals(
                    "needle-in-output",
                    found.get("search").get("matches").get(0).get("excerpt").asText());
            assertEquals(List.of(d), ids("/v1/runs?exitCode=3&outputContains=other"));

            Eventually.waitFor(
                    WAIT,
                    "four dispatches audited",
                    () -> ids("/v1/audit?kind=run.dispatch").size() == 4);
            JsonNode audit = get("/v1/audit?kind=run.dispatch");
            List<String> subjects = new ArrayList<>();
            audit.get("items").forEach(e -> subjects.add(e.get("subject").asText()));
            assertEquals(List.of(d, c, b, a), subjects, "newest first");
            assertEquals("ok", audit.get("items").get(0).get("outcome").asText());
            assertEquals(1, ids("/v1/audit?kind=run.*&subject=" + a).size());
            assertEquals(List.of(), ids("/v1/audit?after=" + Instant.now().plusSeconds(3600)));
            JsonNode oldestFirst = get("/v1/audit?kind=run.dispatch&order=asc&limit=3");
            assertEquals(a, oldestFirst.get("items").get(0).get("subject").asText());
            assertEquals(
                    1,
                    ids("/v1/audit?kind=run.dispatch&order=asc&cursor="
                                    + oldestFirst.get("next").asText())
                            .size());

            JsonNode stats = get("/v1/stats");
            assertTrue(stats.get("project").isNull());
            assertEquals(4, stats.get("runs").get("total").asInt());
            assertEquals(
                    Map.of("succeeded", 2, "failed", 2),
                    JSON.convertValue(stats.get("runs").get("byState"), Map.class));
            assertEquals(
                    Map.of("0", 2, "3", 2), JSON.convertValue(stats.get("runs").get("byExitCode"), Map.class));
            assertEquals(0.5, stats.get("runs").get("successRate").asDouble());
            assertEquals(0, stats.get("sessions").get("total").asInt());
            long events = stats.get("events").asLong();
            assertTrue(events >= 4 * 3, stats.toString());
            assertEquals(0, stats.get("snapshots").asLong());
            assertEquals(
                    engine.name().toLowerCase(),
                    stats.get("store").get("engine").asText());
            assertTrue(stats.get("store").get("bytes").asLong() > 0);
            assertTrue(!stats.has("projects"));
            JsonNode alpha = get("/v1/stats?project=alpha");
            assertEquals("alpha", alpha.get("project").asText());
            assertEquals(2, alpha.get("runs").get("total").asInt());
            assertTrue(alpha.get("events").asLong() > 0 && alpha.get("events").asLong() < events, alpha.toString());
            JsonNode byProject = get("/v1/stats?byProject=true");
            List<String> names = new ArrayList<>();
            byProject.get("projects").forEach(p -> names.add(p.get("project").asText("(none)")));
            assertEquals(List.of("alpha", "beta", "(none)"), names);
            assertEquals(alpha.get("events"), byProject.get("projects").get(0).get("events"));

            String s = post(
                    "/v1/sessions",
                    Map.of("command", List.of("/bin/sh", "-c", "echo session-marker; sleep 30"), "project", "web"));
            Eventually.waitFor(
                    WAIT, "session output recorded", () -> ids("/v1/sessions?transcriptContains=session-marker")
                            .equals(List.of(s)));
            assertEquals(List.of(s), ids("/v1/sessions?project=web&state=running"));
            assertEquals(List.of(), ids("/v1/sessions?state=closed"));
            assertEquals(List.of(), ids("/v1/sessions?transcriptContains=needle-in-output"));
            assertEquals(
                    1, get("/v1/stats?project=web").get("sessions").get("total").asInt());
            assertEquals(200, call("DELETE", "/v1/sessions/" + s).statusCode());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void namesTheBadParameterAndNeverEditsTheAudit(TestEngine engine) throws Exception {
        start(engine);
        try {
            String id = run(null, "true");
            awaitEnded(id);
            Map<String, String> bad = new java.util.LinkedHashMap<>();
            bad.put("/v1/runs?limit=0", "limit");
            bad.put("/v1/runs?limit=1001", "limit");
            bad.put("/v1/runs?offset=-1", "offset");
            bad.put("/v1/runs?exitCode=x", "exitCode");
            bad.put("/v1/runs?state=done", "state");
            bad.put("/v1/runs?after=nope", "after");
            bad.put("/v1/runs?after=" + id + "&cursor=" + id, "cursor");
            bad.put("/v1/runs?createdAfter=yesterday", "createdAfter");
            bad.put("/v1/runs?createdAfter=2026-01-02T00:00:00Z&createdBefore=2026-01-01T00:00:00Z", "createdAfter");
            bad.put("/v1/runs?order=newest", "order");
            bad.put("/v1/runs?colour=red", "colour");
            bad.put("/v1/runs?outputContains=", "outputContains");
            bad.put("/v1/runs?outputContains=x&offset=2", "offset");
            bad.put("/v1/runs?command=" + q("/"), "command");
            bad.put("/v1/sessions?state=gone", "state");
            bad.put("/v1/sessions?transcriptContains=", "transcriptContains");
            bad.put("/v1/sessions?createdBefore=soon", "createdBefore");
            bad.put("/v1/sessions?exitCode=1", "exitCode");
            bad.put("/v1/audit?kind=" + q("Run Dispatch"), "kind");
            bad.put("/v1/audit?after=" + id, "after");
            bad.put("/v1/audit?before=x", "before");
            bad.put("/v1/audit?cursor=x", "cursor");
            bad.put("/v1/audit?limit=5000", "limit");
            bad.put("/v1/audit?state=ok", "state");
            bad.put("/v1/stats?byProject=maybe", "byProject");
            bad.put("/v1/stats?project=a&byProject=true", "byProject");
            bad.put("/v1/stats?since=1", "since");
            for (Map.Entry<String, String> e : bad.entrySet()) {
                HttpResponse<String> r = call("GET", e.getKey());
                assertEquals(400, r.statusCode(), e.getKey() + " -> " + r.body());
                assertEquals(
                        "application/problem+json",
                        r.headers().firstValue("Content-Type").orElseThrow());
                String detail = JSON.readTree(r.body()).get("detail").asText();
                assertTrue(detail.contains("'" + e.getValue() + "'"), e.getKey() + " -> " + detail);
            }

            Eventually.waitFor(
                    WAIT, "the dispatch audited", () -> ids("/v1/audit").size() == 1);
            String before = call("GET", "/v1/audit").body();
            String entry = ids(JSON.readTree(before)).get(0);
            for (String method : List.of("DELETE", "PUT", "POST", "PATCH")) {
                assertEquals(405, call(method, "/v1/audit").statusCode(), method + " /v1/audit");
                assertEquals(404, call(method, "/v1/audit/" + entry).statusCode(), method + " /v1/audit/{id}");
            }
            assertEquals(before, call("GET", "/v1/audit").body(), "the audit log is unchanged");
            long rows = io.kaged.persistence.store.StoreExtension.store(
                            kaged.daemon.system().classicSystem())
                    .withConnection(c -> {
                        try (var st = c.createStatement();
                                var rs = st.executeQuery("SELECT COUNT(*) FROM audit")) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    });
            assertEquals(1, rows);

            String scoped = new io.kaged.http.routes.RunTokens(
                            Files.readString(home.resolve("auth-token")).trim())
                    .issue(id);
            assertEquals(403, as(scoped, "GET", "/v1/audit", null).statusCode());
            assertEquals(403, as(scoped, "GET", "/v1/stats", null).statusCode());
        } finally {
            kaged.close();
        }
    }
}
