package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Agent runs through the real daemon with real processes, on both engines. */
class RunApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private TestDaemon kaged;

    private void start(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return kaged.call(method, path, body);
    }

    private String dispatch(String body) throws Exception {
        HttpResponse<String> r = call("POST", "/v1/runs", body);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asText();
    }

    private JsonNode run(String id) throws Exception {
        return JSON.readTree(call("GET", "/v1/runs/" + id, null).body());
    }

    private JsonNode awaitState(String id, String state) throws Exception {
        Eventually.waitFor(WAIT, "run " + id + " " + state, () -> run(id).get("state")
                .asText()
                .equals(state));
        return run(id);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void recordsExitCodesOutputAndInput(TestEngine engine) throws Exception {
        start(engine);
        try {
            String ok = dispatch(
                    "{\"command\":[\"/bin/sh\",\"-c\",\"cat; echo to-err >&2\"],\"input\":\"prompt text\\n\"}");
            JsonNode done = awaitState(ok, "succeeded");
            assertEquals(0, done.get("exitCode").asInt());
            assertEquals(1, done.get("attempts").asInt());
            assertEquals(
                    "prompt text\n",
                    call("GET", "/v1/runs/" + ok + "/output?stream=stdout", null)
                            .body());
            assertEquals(
                    "to-err\n",
                    call("GET", "/v1/runs/" + ok + "/output?stream=stderr", null)
                            .body());

            String bad = dispatch("{\"command\":[\"/bin/sh\",\"-c\",\"exit 7\"]}");
            assertEquals(7, awaitState(bad, "failed").get("exitCode").asInt());

            String missing = dispatch("{\"command\":[\"/no/such/program\"]}");
            assertEquals(127, awaitState(missing, "failed").get("exitCode").asInt());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void retriesFailuresAndStopsATimedOutProcessGroup(TestEngine engine) throws Exception {
        start(engine);
        try {
            String flaky = dispatch("{\"command\":[\"/bin/sh\",\"-c\",\"echo try; exit 1\"],\"retries\":2}");
            JsonNode failed = awaitState(flaky, "failed");
            assertEquals(3, failed.get("attempts").asInt());
            assertEquals(
                    "try\ntry\ntry\n",
                    call("GET", "/v1/runs/" + flaky + "/output", null).body());

            String slow = dispatch("{\"command\":[\"/bin/sh\",\"-c\",\"sleep 30 & sleep 30\"],\"timeoutMs\":300}");
            JsonNode timedOut = awaitState(slow, "timed-out");
            assertEquals(1, timedOut.get("attempts").asInt());
            assertTrue(timedOut.get("durationMs").asLong() < 10_000, timedOut.toString());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void buildsATreeOfChildRunsAndCancels(TestEngine engine) throws Exception {
        start(engine);
        try {
            String parent = dispatch("{\"command\":[\"sleep\",\"30\"],\"project\":\"tree\"}");
            awaitState(parent, "running");
            String child1 = dispatch("{\"command\":[\"true\"],\"parentId\":\"" + parent + "\"}");
            String child2 = dispatch("{\"command\":[\"true\"],\"parentId\":\"" + parent + "\"}");
            awaitState(child1, "succeeded");
            awaitState(child2, "succeeded");
            assertEquals(2, run(parent).get("children").asInt());
            JsonNode page = JSON.readTree(
                    call("GET", "/v1/runs?parentId=" + parent, null).body());
            assertEquals(2, page.get("items").size());
            assertEquals(child1, page.get("items").get(0).get("id").asText());

            HttpResponse<String> cancelled = call("POST", "/v1/runs/" + parent + "/cancel", null);
            assertEquals(200, cancelled.statusCode(), cancelled.body());
            assertEquals(
                    "cancelled", JSON.readTree(cancelled.body()).get("state").asText());
            assertEquals(
                    409, call("POST", "/v1/runs/" + parent + "/cancel", null).statusCode());
            assertEquals(404, call("POST", "/v1/runs/nope/cancel", null).statusCode());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesBadDispatchesAndChangesNothing(TestEngine engine) throws Exception {
        start(engine);
        try {
            for (String body : new String[] {
                "{}",
                "{\"command\":[]}",
                "{\"command\":[\"true\"],\"retries\":-1}",
                "{\"command\":[\"true\"],\"timeoutMs\":0}",
                "{\"command\":[\"true\"],\"parentId\":\"nope\"}",
                "{\"command\":[\"true\"],\"retries\":\"2\"}",
                "{\"command\":[\"true\"],\"tries\":2}"
            }) {
                HttpResponse<String> r = call("POST", "/v1/runs", body);
                assertEquals(400, r.statusCode(), body + " -> " + r.body());
            }
            assertEquals(400, call("GET", "/v1/runs?state=done", null).statusCode());
            assertEquals(
                    400, call("GET", "/v1/runs/x/output?stream=stdin", null).statusCode());
            assertEquals(
                    0,
                    JSON.readTree(call("GET", "/v1/runs", null).body())
                            .get("items")
                            .size());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pauseReallyStopsTheProcessResumeContinuesAndCheckpointsAreListed(TestEngine engine) throws Exception {
        start(engine);
        try {
            String id = dispatch("{\"command\":[\"/bin/sh\",\"-c\",\"while true; do echo tick; sleep 0.05; done\"]}");
            awaitState(id, "running");
            Eventually.waitFor(WAIT, "output", () -> output(id).length() > 20);
            HttpResponse<String> paused = call("POST", "/v1/runs/" + id + "/pause", null);
            assertEquals(200, paused.statusCode(), paused.body());
            assertEquals("paused", JSON.readTree(paused.body()).get("state").asText());
            Thread.sleep(400);
            int atPause = output(id).length();
            Thread.sleep(800);
            assertEquals(atPause, output(id).length(), "a paused process must not produce output");
            assertEquals(409, call("POST", "/v1/runs/" + id + "/pause", null).statusCode());

            HttpResponse<String> cp = call("POST", "/v1/runs/" + id + "/checkpoints", "{\"label\":\"before resume\"}");
            assertEquals(201, cp.statusCode(), cp.body());
            HttpResponse<String> resumed = call("POST", "/v1/runs/" + id + "/resume", null);
            assertEquals(200, resumed.statusCode(), resumed.body());
            Eventually.waitFor(WAIT, "output after resume", () -> output(id).length() > atPause + 20);
            assertEquals(409, call("POST", "/v1/runs/" + id + "/resume", null).statusCode());

            JsonNode checkpoints = JSON.readTree(
                            call("GET", "/v1/runs/" + id + "/checkpoints", null).body())
                    .get("items");
            assertEquals(2, checkpoints.size(), checkpoints.toString());
            assertEquals("pause", checkpoints.get(0).get("reason").asText());
            assertEquals("before resume", checkpoints.get(1).get("label").asText());
            assertTrue(checkpoints.get(1).get("sequenceNr").asLong()
                    > checkpoints.get(0).get("sequenceNr").asLong());

            assertEquals(200, call("POST", "/v1/runs/" + id + "/cancel", null).statusCode());
            awaitState(id, "cancelled");
            assertEquals(409, call("POST", "/v1/runs/" + id + "/pause", null).statusCode());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void rollbackRestoresTheCheckpointsOutputRestartsTheProcessAndKeepsTheHistory(TestEngine engine) throws Exception {
        start(engine);
        try {
            Path go = home.resolve("go");
            String script = "echo one; while [ ! -f " + go + " ]; do sleep 0.02; done; echo two; sleep 600";
            String id = dispatch(JSON.writeValueAsString(Map.of("command", List.of("/bin/sh", "-c", script))));
            Eventually.waitFor(WAIT, "one", () -> output(id).equals("one\n"));
            HttpResponse<String> cp = call("POST", "/v1/runs/" + id + "/checkpoints", "{\"label\":\"after one\"}");
            assertEquals(201, cp.statusCode(), cp.body());
            String checkpoint = JSON.readTree(cp.body()).get("id").asText();
            Files.createFile(go);
            Eventually.waitFor(WAIT, "two", () -> output(id).equals("one\ntwo\n"));
            Files.delete(go);

            assertEquals(400, call("POST", "/v1/runs/" + id + "/rollback", "{}").statusCode());
            assertEquals(
                    400,
                    call("POST", "/v1/runs/" + id + "/rollback", "{\"checkpoint\":1}")
                            .statusCode());
            HttpResponse<String> unknown = call("POST", "/v1/runs/" + id + "/rollback", "{\"checkpointId\":\"nope\"}");
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("has no checkpoint nope"), unknown.body());
            assertEquals(
                    404,
                    call("POST", "/v1/runs/nope/rollback", "{\"checkpointId\":\"" + checkpoint + "\"}")
                            .statusCode());

            HttpResponse<String> back =
                    call("POST", "/v1/runs/" + id + "/rollback", "{\"checkpointId\":\"" + checkpoint + "\"}");
            assertEquals(200, back.statusCode(), back.body());
            Eventually.waitFor(
                    WAIT,
                    "the new attempt",
                    () -> run(id).get("attempts").asInt() == 2 && output(id).equals("one\none\n"));
            assertEquals("running", run(id).get("state").asText());
            assertEquals(
                    "one\ntwo\none\n",
                    call("GET", "/v1/runs/" + id + "/output?superseded=include", null)
                            .body());

            assertEquals(1, auditCount(id, "run.rollback"), "one successful rollback audited");
            assertEquals(200, call("POST", "/v1/runs/" + id + "/cancel", null).statusCode());

            // the history so far, while the run goes on
            String history =
                    call("GET", "/v1/runs/" + id + "/events?follow=false", null).body();
            assertTrue(history.contains("event:CheckpointTaken") && history.contains("event:RolledBack"), history);
            assertTrue(history.indexOf("event:RolledBack") > history.indexOf("event:CheckpointTaken"), history);
        } finally {
            kaged.close();
        }
    }

    private long auditCount(String subject, String kind) throws Exception {
        return io.kaged.persistence.store.StoreExtension.store(
                        kaged.daemon.system().classicSystem())
                .withConnection(c -> {
                    try (var ps = c.prepareStatement(
                            "SELECT COUNT(*) FROM audit WHERE subject = ? AND kind = ? AND outcome = 'ok'")) {
                        ps.setString(1, subject);
                        ps.setString(2, kind);
                        try (var rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                });
    }

    private String output(String id) throws Exception {
        return call("GET", "/v1/runs/" + id + "/output", null).body();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aRunStartsItsOwnSubagentsWithItsScopedTokenAndCanDoNothingElse(TestEngine engine) throws Exception {
        start(engine);
        try {
            String script = "for i in 1 2; do curl -sf -H \"Authorization: Bearer $KAGED_TOKEN\" $KAGED_URL/v1/runs"
                    + " -d \"{\\\"command\\\":[\\\"/bin/echo\\\",\\\"child-$i\\\"]}\" >/dev/null || exit 9; done;"
                    + " echo sessions=$(curl -s -o /dev/null -w '%{http_code}' -H \"Authorization: Bearer $KAGED_TOKEN\""
                    + " $KAGED_URL/v1/sessions)";
            String parent =
                    dispatch(JSON.writeValueAsString(Map.of("command", java.util.List.of("/bin/sh", "-c", script))));
            JsonNode done = awaitState(parent, "succeeded");
            assertEquals(2, done.get("children").asInt(), done.toString());
            assertEquals(
                    "sessions=403\n",
                    call("GET", "/v1/runs/" + parent + "/output", null).body());
            JsonNode children = JSON.readTree(
                            call("GET", "/v1/runs?parentId=" + parent, null).body())
                    .get("items");
            for (JsonNode child : children) {
                assertTrue(child.get("command").toString().contains("child-"), child.toString());
            }

            long byParent = io.kaged.persistence.store.StoreExtension.store(
                            kaged.daemon.system().classicSystem())
                    .withConnection(c -> {
                        try (var ps = c.prepareStatement(
                                "SELECT COUNT(*) FROM audit WHERE kind = 'run.dispatch' AND actor = ?")) {
                            ps.setString(1, "run:" + parent);
                            try (var rs = ps.executeQuery()) {
                                rs.next();
                                return rs.getLong(1);
                            }
                        }
                    });
            assertEquals(2, byParent, "the audit names the run that started its subagents");

            String token = Files.readString(home.resolve("auth-token")).trim();
            String scoped = new io.kaged.http.routes.RunTokens(token).issue(parent);
            String stranger = dispatch("{\"command\":[\"true\"]}");
            assertEquals(200, as(scoped, "GET", "/v1/runs/" + parent, null).statusCode());
            assertEquals(
                    200,
                    as(scoped, "GET", "/v1/runs/" + children.get(0).get("id").asText(), null)
                            .statusCode());
            assertEquals(
                    2,
                    JSON.readTree(as(scoped, "GET", "/v1/runs", null).body())
                            .get("items")
                            .size());
            assertEquals(403, as(scoped, "GET", "/v1/runs/" + stranger, null).statusCode());
            assertEquals(
                    403,
                    as(scoped, "GET", "/v1/runs?parentId=" + stranger, null).statusCode());
            assertEquals(
                    403,
                    as(scoped, "POST", "/v1/runs", "{\"command\":[\"true\"],\"parentId\":\"" + stranger + "\"}")
                            .statusCode());
            assertEquals(
                    403,
                    as(scoped, "POST", "/v1/runs/" + parent + "/cancel", null).statusCode());
            assertEquals(403, as(scoped, "GET", "/v1/info", null).statusCode());
            assertEquals(401, as(scoped + "x", "GET", "/v1/runs", null).statusCode());
        } finally {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void streamsARunsEventsLiveAndFromTheStartWithoutEnvironmentValues(TestEngine engine) throws Exception {
        start(engine);
        try {
            String id = dispatch(
                    "{\"command\":[\"/bin/sh\",\"-c\",\"sleep 1; echo x\"],\"env\":{\"API_KEY\":\"hunter2\"}}");
            awaitState(id, "running");
            // Live, from the moment of connection: the stream ends with the run.
            String live = call("GET", "/v1/runs/" + id + "/events", null).body();
            assertTrue(live.contains("event:AttemptEnded"), live);
            assertTrue(!live.contains("event:Dispatched"), "events before the connection are not sent: " + live);

            String all = call("GET", "/v1/runs/" + id + "/events?from=0", null).body();
            int dispatched = all.indexOf("event:Dispatched");
            int started = all.indexOf("event:AttemptStarted");
            int output = all.indexOf("event:OutputRecorded");
            int ended = all.indexOf("event:AttemptEnded");
            assertTrue(dispatched >= 0 && dispatched < started && started < output && output < ended, all);
            assertTrue(all.contains("\"API_KEY\":\"***\""), all);
            assertTrue(!all.contains("hunter2"), "environment values must not leak: " + all);
            assertTrue(all.contains("id:1"), all);
            String tail = call("GET", "/v1/runs/" + id + "/events?from=3", null).body();
            assertTrue(!tail.contains("event:AttemptStarted") && tail.contains("event:AttemptEnded"), tail);
            assertEquals(
                    400, call("GET", "/v1/runs/" + id + "/events?from=-1", null).statusCode());
        } finally {
            kaged.close();
        }
    }

    private HttpResponse<String> as(String token, String method, String path, String body) throws Exception {
        return kaged.as(token, method, path, body);
    }
}
