package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.persistence.testing.TestEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile and broken requests on every route that takes a body, and before any route: each gets a 4xx
 * problem+json whose detail says what to change, the answer always reaches the client, and the daemon
 * stays healthy. Both engines.
 */
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private TestDaemon kaged;
    private final List<String> mistakes = new ArrayList<>();

    @AfterEach
    void stop() {
        if (kaged != null) {
            kaged.close();
        }
    }

    /** Every body route, with real ids, so the body is all that is wrong. */
    private List<String[]> bodyRoutes() throws Exception {
        String session = kaged.json("POST", "/v1/sessions", "{\"command\":[\"sleep\",\"300\"]}", 201)
                .get("id")
                .asText();
        String run = kaged.dispatch(null, "sleep", "300");
        kaged.awaitState(run, "running");
        kaged.json("POST", "/v1/projects", "{\"name\":\"p1\"}", 201);
        return List.of(
                new String[] {"POST", "/v1/sessions"},
                new String[] {"POST", "/v1/sessions/" + session + "/input"},
                new String[] {"POST", "/v1/sessions/" + session + "/resize"},
                new String[] {"POST", "/v1/runs"},
                new String[] {"POST", "/v1/runs/" + run + "/checkpoints"},
                new String[] {"POST", "/v1/runs/" + run + "/rollback"},
                new String[] {"POST", "/v1/projects"},
                new String[] {"PUT", "/v1/projects/p1/config"},
                new String[] {"POST", "/v1/projects/p1/prompts/review"});
    }

    private RawHttp.Answer send(String method, String path, byte[] body) throws Exception {
        return RawHttp.send(kaged.daemon.port(), method, path, kaged.token(), body);
    }

    /** A 4xx problem whose detail contains {@code expected} (case-insensitive); else a mistake noted. */
    private void problem(String what, RawHttp.Answer answer, int status, String expected) throws Exception {
        if (answer.failure() != null) {
            mistakes.add(what + ": " + answer);
            return;
        }
        if (answer.status() != status || !answer.mediaType().equals("application/problem+json")) {
            mistakes.add(what + ": expected " + status + " problem+json, got " + answer);
            return;
        }
        String detail = JSON.readTree(answer.body()).path("detail").asText();
        if (!detail.toLowerCase(java.util.Locale.ROOT).contains(expected.toLowerCase(java.util.Locale.ROOT))) {
            mistakes.add(what + ": detail '" + detail + "' does not say '" + expected + "'");
        }
    }

    private void assertNoMistakes() throws Exception {
        assertEquals(200, kaged.call("GET", "/v1/health", null).statusCode(), "the daemon is healthy afterwards");
        assertTrue(mistakes.isEmpty(), String.join("\n", mistakes));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void nullArraysAndScalarsAreRefusedWhereAnObjectIsExpected(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        for (String[] route : bodyRoutes()) {
            for (String body : List.of("null", "[]", "[{}]", "42", "\"text\"", "true")) {
                problem(
                        route[0] + " " + route[1] + " " + body,
                        send(route[0], route[1], body.getBytes(StandardCharsets.UTF_8)),
                        400,
                        "must be a JSON object");
            }
        }
        assertNoMistakes();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void bodiesNestedPastTheLimitInvalidUtf8OrWithNulsAreRefused(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        byte[] badUtf8 = "{\"command\":[\"echo\",\"\u00e9\"]}".getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 5] = (byte) 0xC3;
        badUtf8[badUtf8.length - 4] = (byte) 0x28;
        for (String[] route : bodyRoutes()) {
            String where = route[0] + " " + route[1];
            problem(
                    where + " nested 100,000 deep",
                    send(route[0], route[1], ("{\"command\":" + deep + "}").getBytes(StandardCharsets.UTF_8)),
                    400,
                    "deeper than 64");
            problem(where + " with invalid UTF-8", send(route[0], route[1], badUtf8), 400, "not valid UTF-8");
            problem(
                    where + " with a field twice",
                    send(route[0], route[1], "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)),
                    400,
                    "not valid JSON");
        }
        problem(
                "a run with a NUL in its command",
                send("POST", "/v1/runs", "{\"command\":[\"echo\",\"a\\u0000b\"]}".getBytes(StandardCharsets.UTF_8)),
                400,
                "NUL");
        problem(
                "a session with null in its env",
                send(
                        "POST",
                        "/v1/sessions",
                        "{\"command\":[\"sh\"],\"env\":{\"A\":null}}".getBytes(StandardCharsets.UTF_8)),
                400,
                "Field 'env.A' must not be null");
        assertNoMistakes();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aBodyOverTheLimitAlwaysGetsItsAnswerNamingKagedsKey(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        byte[] huge = ("{\"command\":[\"" + "x".repeat(3_000_000) + "\"]}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 10; i++) {
            problem(
                    "a 3 MB body, try " + (i + 1),
                    send("POST", "/v1/sessions", huge),
                    413,
                    "larger than kaged.http.max-body allows (1 MiB)");
        }
        problem("a 3 MB body to a route that reads none", send("POST", "/v1/health", huge), 413, "kaged.http.max-body");
        problem(
                "a 3 MB chunked body",
                RawHttp.exchange(kaged.daemon.port(), chunked(huge)),
                413,
                "kaged.http.max-body");
        assertEquals(
                0, kaged.json("GET", "/v1/sessions", null, 200).get("items").size());
        assertNoMistakes();
    }

    /** POST /v1/runs with {@code body} in chunks of 64 KiB, no Content-Length. */
    private byte[] chunked(byte[] body) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(("POST /v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kaged.token()
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int at = 0; at < body.length; at += 65536) {
            int n = Math.min(65536, body.length - at);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void requestsRefusedBeforeRoutingAreProblemsToo(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        int port = kaged.daemon.port();
        problem(
                "a query value of 3,000 characters",
                send("GET", "/v1/runs?project=" + "x".repeat(3000), null),
                414,
                "URI is longer than");
        problem("an id of 5,000 characters", send("GET", "/v1/runs/" + "x".repeat(5000), null), 414, "URI");
        problem(
                "a header of 100 KiB",
                RawHttp.exchange(
                        port,
                        ("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(100_000)
                                        + "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1)),
                431,
                "headers are too large");
        problem(
                "a space in the path",
                RawHttp.exchange(
                        port, "GET /v1/he alth HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
                400,
                "not valid HTTP");
        problem(
                "an unknown method",
                RawHttp.exchange(
                        port, "FROB /v1/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
                400,
                "not valid HTTP");
        problem(
                "an unknown HTTP version",
                RawHttp.exchange(
                        port, "GET /v1/health HTTP/3.7\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
                400,
                "not valid HTTP");
        problem("a query with a broken escape", send("GET", "/v1/runs?project=%zz", null), 400, "not valid HTTP");
        problem("a query escape of invalid UTF-8", send("GET", "/v1/runs?project=%C3%28", null), 400, "UTF-8");
        assertNoMistakes();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anActorThatDoesNotAnswerInTimeIs503WithRetryAfterForRunsAndSessions(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "kaged.http.ask-timeout = 1ms\n");
        // A warm actor can answer within Pekko's scheduler tick, which is when a 1 ms ask really times out:
        // requests sent together make sure some wait longer than that.
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (String path : List.of("/v1/runs", "/v1/sessions")) {
                List<java.util.concurrent.Future<RawHttp.Answer>> sent = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    sent.add(senders.submit(() ->
                            send("POST", path, "{\"command\":[\"sleep\",\"1\"]}".getBytes(StandardCharsets.UTF_8))));
                }
                int timedOut = 0;
                for (java.util.concurrent.Future<RawHttp.Answer> f : sent) {
                    RawHttp.Answer answer = f.get();
                    if (answer.status() == 201) {
                        continue;
                    }
                    timedOut++;
                    problem("POST " + path + " timing out", answer, 503, "did not answer within");
                    assertNotNull(
                            answer.header("retry-after"), "POST " + path + ": no Retry-After in " + answer.headers());
                }
                assertTrue(timedOut > 0, "POST " + path + " never timed out with kaged.http.ask-timeout = 1ms");
            }
        } finally {
            senders.shutdownNow();
        }
        assertNoMistakes();
        io.kaged.persistence.testing.Eventually.waitFor(TestDaemon.WAIT, "the time-out audited as failed", () -> {
            JsonNode items =
                    kaged.json("GET", "/v1/audit?kind=run.dispatch", null, 200).get("items");
            for (JsonNode item : items) {
                if (item.get("outcome").asText().equals("failed")
                        && item.get("detail").asText().contains("did not answer within")) {
                    return true;
                }
            }
            return false;
        });
    }
}
