package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Projects and versioned prompts through the real daemon's HTTP API, on both engines. */
class ProjectApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newHttpClient();
    private Daemon daemon;
    private String token;

    private void start(TestEngine engine) throws Exception {
        daemon = Daemon.start(
                ConfigLoader.load(
                        Map.of(
                                "KAGED_HOME",
                                home.toString(),
                                "KAGED_DATABASE_URL",
                                TestDatabases.newStoreUrl(engine, home)),
                        null),
                0);
        token = Files.readString(home.resolve("auth-token")).trim();
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return as(token, method, path, body);
    }

    private HttpResponse<String> as(String bearer, String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path))
                        .header("Authorization", "Bearer " + bearer)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(int status, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private void problem(int status, String detailPart, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(
                "application/problem+json",
                r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.body().contains(detailPart), detailPart + " in " + r.body());
    }

    private long auditRows(String kind, String outcome) throws Exception {
        return StoreExtension.store(daemon.system().classicSystem()).withConnection(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM audit WHERE kind = ? AND outcome = ?")) {
                ps.setString(1, kind);
                ps.setString(2, outcome);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void createsListsShowsAndReconfiguresProjects(TestEngine engine) throws Exception {
        start(engine);
        HttpResponse<String> created =
                call("POST", "/v1/projects", "{\"name\":\"agents\",\"config\":{\"model\":\"m1\",\"limits\":[1,2]}}");
        JsonNode p = ok(201, created);
        assertEquals(
                "/v1/projects/agents", created.headers().firstValue("Location").orElseThrow());
        assertEquals("agents", p.get("name").asText());
        assertEquals("m1", p.get("config").get("model").asText());
        assertTrue(p.get("createdAt").asText().endsWith("Z"), p.toString());
        ok(201, call("POST", "/v1/projects", "{\"name\":\"Beta_2.x\"}"));
        ok(201, call("POST", "/v1/projects", "{\"name\":\"alpha\"}"));

        JsonNode page = ok(200, call("GET", "/v1/projects", null));
        assertEquals(100, page.get("limit").asInt());
        assertEquals(List.of("Beta_2.x", "agents", "alpha"), names(page));
        assertEquals(List.of("agents"), names(ok(200, call("GET", "/v1/projects?limit=1&offset=1", null))));
        assertEquals(List.of(), names(ok(200, call("GET", "/v1/projects?offset=3", null))));
        assertEquals(
                "{}",
                ok(200, call("GET", "/v1/projects/alpha", null)).get("config").toString());

        JsonNode replaced = ok(200, call("PUT", "/v1/projects/agents/config", "{\"config\":{\"model\":\"m2\"}}"));
        assertEquals("{\"model\":\"m2\"}", replaced.get("config").toString());
        assertEquals(p.get("createdAt"), replaced.get("createdAt"));
        assertEquals(
                "m2",
                ok(200, call("GET", "/v1/projects/agents", null))
                        .get("config")
                        .get("model")
                        .asText());
        assertEquals(3, auditRows("project.create", "ok"));
        assertEquals(1, auditRows("project.config", "ok"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesDuplicatesAndBadInputWithoutChangingAnything(TestEngine engine) throws Exception {
        start(engine);
        ok(201, call("POST", "/v1/projects", "{\"name\":\"one\",\"config\":{\"a\":1}}"));
        problem(409, "exists already", call("POST", "/v1/projects", "{\"name\":\"one\",\"config\":{\"a\":2}}"));
        assertEquals(1, auditRows("project.create", "refused"));

        String big = "x".repeat(70 * 1024);
        for (String[] c : new String[][] {
            {"{\"name\":\"two\",\"config\":[1]}", "'config' must be a JSON object"},
            {"{\"name\":\"two\",\"config\":\"{}\"}", "'config' must be a JSON object"},
            {"{\"name\":\"two\",\"config\":7}", "'config' must be a JSON object"},
            {"{\"name\":\"two\",\"config\":{\"big\":\"" + big + "\"}}", "'config' is too large"},
            {"{\"config\":{}}", "'name' is required"},
            {"{\"name\":\"\"}", "'name' must be"},
            {"{\"name\":\"a b\"}", "'name' must be"},
            {"{\"name\":\"..\"}", "'name' must be"},
            {"{\"name\":\"" + "n".repeat(201) + "\"}", "'name' must be"},
            {"{\"name\":\"two\",\"colour\":1}", "Unknown field 'colour'"},
            {"{\"name\":[\"two\"]}", "'name' has the wrong type"},
            {"{\"name\":\"two\"", "not valid JSON"},
            {"", "needs a JSON body"}
        }) {
            problem(400, c[1], call("POST", "/v1/projects", c[0]));
        }
        problem(400, "'config' is required", call("PUT", "/v1/projects/one/config", "{}"));
        problem(400, "'config' must be a JSON object", call("PUT", "/v1/projects/one/config", "{\"config\":[]}"));
        problem(404, "No project named 'nope'", call("PUT", "/v1/projects/nope/config", "{\"config\":{}}"));
        problem(400, "Parameter 'limit'", call("GET", "/v1/projects?limit=1001", null));
        problem(400, "Unknown query parameter 'sort'", call("GET", "/v1/projects?sort=name", null));
        problem(404, "No project named 'nope'", call("GET", "/v1/projects/nope", null));
        problem(405, "", call("DELETE", "/v1/projects/one", null));

        assertEquals(List.of("one"), names(ok(200, call("GET", "/v1/projects", null))));
        assertEquals(
                1,
                ok(200, call("GET", "/v1/projects/one", null))
                        .get("config")
                        .get("a")
                        .asInt());
        assertEquals(0, auditRows("project.config", "ok"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void everyEditIsANewVersionThatCanBeReadAndDiffed(TestEngine engine) throws Exception {
        start(engine);
        ok(201, call("POST", "/v1/projects", "{\"name\":\"p\"}"));
        String base = "/v1/projects/p/prompts/review";
        HttpResponse<String> first =
                call("POST", base, "{\"body\":\"Review the code.\\nBe brief.\\n\",\"author\":\"alice\"}");
        JsonNode v1 = ok(201, first);
        assertEquals(1, v1.get("version").asInt());
        assertEquals("alice", v1.get("author").asText());
        assertEquals(
                base + "/versions/1", first.headers().firstValue("Location").orElseThrow());
        JsonNode v2 = ok(201, call("POST", base, "{\"body\":\"Review the code.\\nBe kind.\\n\"}"));
        assertEquals(2, v2.get("version").asInt());
        assertEquals("api", v2.get("author").asText(), "the author defaults to who asked");
        ok(201, call("POST", "/v1/projects/p/prompts/summary", "{\"body\":\"Sum up.\"}"));

        JsonNode latest = ok(200, call("GET", base, null));
        assertEquals(2, latest.get("version").asInt());
        assertEquals("Review the code.\nBe kind.\n", latest.get("body").asText());
        assertEquals(
                "Review the code.\nBe brief.\n",
                ok(200, call("GET", base + "/versions/1", null)).get("body").asText());

        JsonNode versions = ok(200, call("GET", base + "/versions", null)).get("items");
        assertEquals(2, versions.size());
        assertEquals(1, versions.get(0).get("version").asInt());
        assertEquals(27, versions.get(0).get("chars").asInt());
        assertTrue(!versions.get(0).has("body"), "the list leaves the texts out");

        JsonNode prompts = ok(200, call("GET", "/v1/projects/p/prompts", null)).get("items");
        assertEquals(2, prompts.size());
        assertEquals("review", prompts.get(0).get("name").asText());
        assertEquals(2, prompts.get(0).get("latestVersion").asInt());
        assertEquals("summary", prompts.get(1).get("name").asText());

        HttpResponse<String> diff = call("GET", base + "/diff?from=1&to=2", null);
        assertEquals(200, diff.statusCode(), diff.body());
        assertTrue(diff.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals(
                "--- p/review@1\n+++ p/review@2\n@@ -1,2 +1,2 @@\n Review the code.\n-Be brief.\n+Be kind.\n",
                diff.body());
        assertEquals("", call("GET", base + "/diff?from=2&to=2", null).body());

        assertEquals(3, auditRows("prompt.set", "ok"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void answersMissingThings404AndBadVersions400(TestEngine engine) throws Exception {
        start(engine);
        ok(201, call("POST", "/v1/projects", "{\"name\":\"p\"}"));
        String base = "/v1/projects/p/prompts/review";
        ok(201, call("POST", base, "{\"body\":\"x\"}"));

        problem(404, "No project named 'q'", call("POST", "/v1/projects/q/prompts/review", "{\"body\":\"x\"}"));
        problem(404, "No project named 'q'", call("GET", "/v1/projects/q/prompts", null));
        problem(404, "has no prompt 'other'", call("GET", "/v1/projects/p/prompts/other", null));
        problem(404, "has no prompt 'other'", call("GET", "/v1/projects/p/prompts/other/versions", null));
        problem(404, "has no version 5; its versions are 1 to 1", call("GET", base + "/versions/5", null));
        problem(404, "has no version 9", call("GET", base + "/diff?from=1&to=9", null));
        problem(400, "Parameter 'version'", call("GET", base + "/versions/two", null));
        problem(400, "Parameter 'version'", call("GET", base + "/versions/0", null));
        problem(400, "Parameter 'to' is required", call("GET", base + "/diff?from=1", null));
        problem(400, "Parameter 'from'", call("GET", base + "/diff?from=x&to=1", null));
        problem(400, "Unknown query parameter 'context'", call("GET", base + "/diff?from=1&to=1&context=3", null));

        problem(400, "'body' is required", call("POST", base, "{\"author\":\"alice\"}"));
        problem(400, "'body' must not contain the NUL", call("POST", base, "{\"body\":\"a\\u0000b\"}"));
        problem(400, "'author' must hold", call("POST", base, "{\"body\":\"x\",\"author\":\" \"}"));
        problem(400, "Unknown field 'text'", call("POST", base, "{\"text\":\"x\"}"));
        problem(400, "'prompt' must be", call("POST", "/v1/projects/p/prompts/a%20b", "{\"body\":\"x\"}"));

        assertEquals(
                1, ok(200, call("GET", base + "/versions", null)).get("items").size(), "refused edits add no version");
        assertEquals(1, auditRows("prompt.set", "ok"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void concurrentEditsOverHttpGetVersionsOneToEightyWithoutGaps(TestEngine engine) throws Exception {
        start(engine);
        ok(201, call("POST", "/v1/projects", "{\"name\":\"race\"}"));
        int threads = 8;
        int edits = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Integer> got = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    List<Integer> mine = new ArrayList<>();
                    for (int e = 0; e < edits; e++) {
                        HttpResponse<String> r = call(
                                "POST", "/v1/projects/race/prompts/shared", "{\"body\":\"" + thread + "/" + e + "\"}");
                        mine.add(ok(201, r).get("version").asInt());
                    }
                    return mine;
                }));
            }
            go.countDown();
            for (Future<List<Integer>> f : futures) {
                got.addAll(f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> expected =
                IntStream.rangeClosed(1, threads * edits).boxed().toList();
        assertEquals(expected, got.stream().sorted().toList());
        JsonNode listed = ok(200, call("GET", "/v1/projects/race/prompts/shared/versions?limit=1000", null))
                .get("items");
        List<Integer> stored = new ArrayList<>();
        listed.forEach(v -> stored.add(v.get("version").asInt()));
        assertEquals(expected, stored);
        assertEquals(threads * edits, auditRows("prompt.set", "ok"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void needsTheDaemonsTokenNotARunsScopedOne(TestEngine engine) throws Exception {
        start(engine);
        String scoped = new io.kaged.http.routes.RunTokens(token).issue("some-run");
        problem(403, "KAGED_TOKEN", as(scoped, "GET", "/v1/projects", null));
        problem(403, "KAGED_TOKEN", as(scoped, "POST", "/v1/projects", "{\"name\":\"x\"}"));
        problem(401, "not valid", as(token + "x", "GET", "/v1/projects", null));
        assertEquals(List.of(), names(ok(200, call("GET", "/v1/projects", null))));
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("items").forEach(p -> names.add(p.get("name").asText()));
        return names;
    }
}
