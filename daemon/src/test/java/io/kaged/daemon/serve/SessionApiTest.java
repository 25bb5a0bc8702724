package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.Main;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end through the real daemon: a real shell in a session, typed into over HTTP and over a real
 * WebSocket, detached and re-attached, and a daemon killed with SIGKILL whose session comes back.
 */
class SessionApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newHttpClient();

    private Map<String, String> env(String url) {
        return Map.of("KAGED_HOME", home.toString(), "KAGED_DATABASE_URL", url);
    }

    private String token() throws Exception {
        return Files.readString(home.resolve("auth-token")).trim();
    }

    private HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token())
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private String transcript(int port, String id) throws Exception {
        return call(port, "GET", "/v1/sessions/" + id + "/transcript", null).body();
    }

    private static final java.time.Duration CHILD_START = java.time.Duration.ofSeconds(90);

    private static void eventually(Supplier<Boolean> condition, String what) throws InterruptedException {
        io.kaged.persistence.testing.Eventually.waitFor(WAIT, what, condition::get);
    }

    private interface Check {
        boolean test() throws Exception;
    }

    private static Supplier<Boolean> unchecked(Check c) {
        return () -> {
            try {
                return c.test();
            } catch (Exception e) {
                return false;
            }
        };
    }

    /** A WebSocket client that collects the output it receives. */
    private static final class Client implements WebSocket.Listener {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final StringBuilder notices = new StringBuilder();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket socket;

        /** The last bytes received, cheap to search even after megabytes of output. */
        final ByteArrayOutputStream recent = new ByteArrayOutputStream();

        synchronized String text() {
            return output.toString(StandardCharsets.UTF_8);
        }

        synchronized String tail() {
            return recent.toString(StandardCharsets.UTF_8);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            synchronized (this) {
                output.writeBytes(bytes);
                recent.writeBytes(bytes);
                if (recent.size() > 65536) {
                    byte[] all = recent.toByteArray();
                    recent.reset();
                    recent.write(all, all.length - 16384, 16384);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            synchronized (this) {
                notices.append(data);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(null);
            return null;
        }

        void type(String s) {
            socket.sendBinary(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)), true)
                    .join();
        }
    }

    /** The offset of the client's first notice, which must be the offset notice of an attach with {@code from}. */
    private static long firstOffset(Client client) throws Exception {
        String notices;
        synchronized (client) {
            notices = client.notices.toString();
        }
        JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper()
                .getFactory()
                .createParser(notices)
                .readValueAsTree();
        assertEquals("offset", first.path("type").asText(), notices);
        return first.path("offset").asLong(-1);
    }

    private Client attach(int port, String id, String query, boolean withToken) throws Exception {
        Client client = new Client();
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (withToken) {
            b.header("Authorization", "Bearer " + token());
        }
        client.socket = b.buildAsync(
                        URI.create("ws://127.0.0.1:" + port + "/v1/sessions/" + id + "/attach" + query), client)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    private String createShell(int port, String restart) throws Exception {
        HttpResponse<String> created = call(
                port,
                "POST",
                "/v1/sessions",
                "{\"command\":[\"/bin/sh\"],\"name\":\"e2e\",\"restart\":\"" + restart
                        + "\",\"env\":{\"PS1\":\"$ \"}}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).get("id").asText();
        eventually(
                unchecked(() -> json(call(port, "GET", "/v1/sessions/" + id, null))
                        .get("state")
                        .asText()
                        .equals("running")),
                "session running");
        return id;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void typeReadAttachDetachAndReattachAShell(TestEngine engine) throws Exception {
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            String id = createShell(port, "never");
            HttpResponse<String> typed =
                    call(port, "POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo api-$((40+2))\\n\"}");
            assertEquals(200, typed.statusCode(), typed.body());
            eventually(unchecked(() -> transcript(port, id).contains("api-42")), "typed command's output");

            Client first = attach(port, id, "", true);
            eventually(() -> first.text().contains("api-42"), "scrollback on attach");
            Client watcher = attach(port, id, "?readOnly=true", true);
            eventually(() -> watcher.text().contains("api-42"), "scrollback for the read-only client");
            first.type("echo ws-$((6*7))\n");
            eventually(() -> first.text().contains("ws-42"), "live output to the typing client");
            eventually(() -> watcher.text().contains("ws-42"), "live output to the read-only client");
            watcher.type("echo ignored-$((1+1))\n");
            first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "detach").join();
            Thread.sleep(500);
            assertFalse(transcript(port, id).contains("ignored-2"), "a read-only client must not type");

            Client again = attach(port, id, "", true);
            eventually(
                    () -> again.text().contains("ws-42") && again.text().contains("api-42"),
                    "scrollback after re-attach");
            again.type("echo back-$((50+5))\n");
            eventually(() -> again.text().contains("back-55"), "live after re-attach");

            HttpResponse<String> ticket = call(port, "POST", "/v1/sessions/" + id + "/attach-ticket", null);
            assertEquals(201, ticket.statusCode(), ticket.body());
            String query = "?ticket=" + json(ticket).get("ticket").asText();
            Client browser = attach(port, id, query, false);
            eventually(() -> browser.text().contains("back-55"), "attach with a ticket");
            var reused = assertThrowsCompletion(() -> attach(port, id, query, false) != null);
            assertTrue(reused.contains("WebSocketHandshakeException"), reused);

            List<String> audited = auditKinds(daemon, id);
            for (String kind : List.of("session.create", "session.input", "session.attach", "session.attach-ticket")) {
                assertTrue(audited.contains(kind), kind + " not audited: " + audited);
            }

            HttpResponse<String> terminated = call(port, "DELETE", "/v1/sessions/" + id, null);
            assertEquals(200, terminated.statusCode(), terminated.body());
            assertEquals("closed", json(terminated).get("state").asText());
            again.closed.get(10, TimeUnit.SECONDS);
            assertTrue(again.notices.toString().contains("\"type\":\"end\""), again.notices.toString());
            assertEquals(
                    409,
                    call(port, "POST", "/v1/sessions/" + id + "/input", "{\"data\":\"x\"}")
                            .statusCode());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aClientThatReconnectsFromItsLastByteGetsEveryByteOnce(TestEngine engine) throws Exception {
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            String id = createShell(port, "never");
            Client first = attach(port, id, "?from=0", true);
            first.type("echo one-$((40+1))\n");
            eventually(() -> first.text().contains("one-41\r\n"), "output before the drop");
            assertEquals(0, firstOffset(first), first.notices.toString());
            first.socket.abort();
            call(port, "POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo two-$((40+2))\\n\"}");
            eventually(unchecked(() -> transcript(port, id).contains("two-42\r\n")), "output while away");
            Thread.sleep(300); // let the prompt after it arrive, so the transcript is still when compared

            byte[] seen;
            synchronized (first) {
                seen = first.output.toByteArray();
            }
            Client back = attach(port, id, "?from=" + seen.length, true);
            eventually(() -> back.text().contains("two-42"), "output missed while away");
            eventually(
                    unchecked(() ->
                            (new String(seen, StandardCharsets.UTF_8) + back.text()).equals(transcript(port, id))),
                    "the bytes before and after the drop make the transcript exactly: no gap, no repeat");
            assertFalse(back.text().contains("one-41\r\n"), "bytes the client had are not sent again");
            assertEquals(seen.length, firstOffset(back), back.notices.toString());

            Client beyond = attach(port, id, "?from=999999999", true);
            eventually(
                    () -> beyond.text().contains("one-41") && beyond.text().contains("two-42"),
                    "an offset past the output starts over");
            assertEquals(0, firstOffset(beyond), beyond.notices.toString());
            Client plain = attach(port, id, "", true);
            eventually(() -> plain.text().contains("two-42"), "a plain attach");
            assertEquals("", plain.notices.toString(), "no offset notice without from");

            HttpResponse<String> bad = call(port, "GET", "/v1/sessions/" + id + "/attach?from=-1", null);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("'from'"), bad.body());
        } finally {
            daemon.stop();
        }
    }

    /**
     * Offsets count the session's whole output, so they still name the same byte once the scrollback has
     * dropped older batches: a client back from a drop continues exactly where it was while the scrollback
     * holds that byte, and starts over from the first byte it holds (named in the notice) once it does not.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void offsetsNameTheSameByteAfterTheScrollbackDropsOldOutput(TestEngine engine) throws Exception {
        Files.writeString(
                home.resolve("kaged.conf"),
                "kaged.sessions { scrollback = 4k, flush-bytes = 512, flush-interval = 20ms }\n");
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            String id = createShell(port, "never");
            Client first = attach(port, id, "?from=0", true);
            // about 12 KiB of output, three times the scrollback: the oldest batches are dropped
            first.type("i=0; while [ $i -lt 300 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done\n");
            eventually(() -> first.text().contains("line-299-"), "all the output reached the client");
            Thread.sleep(300);
            byte[] seen;
            synchronized (first) {
                seen = first.output.toByteArray();
            }
            first.socket.abort();
            call(port, "POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo after-$((40+2))\\n\"}");
            eventually(unchecked(() -> transcript(port, id).contains("after-42\r\n")), "output while away");
            Thread.sleep(300);

            Client back = attach(port, id, "?from=" + seen.length, true);
            eventually(() -> back.text().contains("after-42"), "output missed while away");
            assertEquals(seen.length, firstOffset(back), back.notices.toString());
            assertFalse(back.text().contains("line-299-"), "bytes the client had are not sent again");
            eventually(() -> back.text().contains("after-42\r\n"), "the whole answer");
            Thread.sleep(300); // let the prompt after it arrive, so the transcript is still when compared
            String kept = transcript(port, id);
            assertTrue(kept.endsWith(back.text()), "what follows is the output after the client's last byte");
            assertTrue(
                    (new String(seen, StandardCharsets.UTF_8) + back.text()).endsWith(kept),
                    "the bytes before and after the drop end with the whole retained scrollback: no gap, no repeat");

            // a client whose last byte is no longer kept starts over from the first byte that is
            Client old = attach(port, id, "?from=100", true);
            eventually(() -> old.text().contains("after-42"), "the retained scrollback");
            long firstKept = firstOffset(old);
            long total = seen.length + back.text().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(firstKept > 100, "the first kept byte is past the dropped ones: " + firstKept);
            assertEquals(total - kept.getBytes(StandardCharsets.UTF_8).length, firstKept, old.notices.toString());
            assertEquals(kept, old.text(), "it gets exactly the retained scrollback");
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aClientThatStopsReadingIsDroppedWithoutSlowingTheSessionOrOthers(TestEngine engine) throws Exception {
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            String id = createShell(port, "never");
            // This client takes one message and then never asks for another: TCP fills, then its queue.
            java.util.concurrent.atomic.AtomicInteger stuckMessages = new java.util.concurrent.atomic.AtomicInteger();
            http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token())
                    .buildAsync(
                            URI.create("ws://127.0.0.1:" + port + "/v1/sessions/" + id + "/attach"),
                            new WebSocket.Listener() {
                                @Override
                                public void onOpen(WebSocket ws) {
                                    ws.request(1);
                                }

                                @Override
                                public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                                    stuckMessages.incrementAndGet();
                                    return null;
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
            Client healthy = attach(port, id, "", true);
            healthy.type("head -c 30000000 /dev/zero | tr '\\0' 'x'; echo; echo flood-done-$((4*4))\n");
            io.kaged.persistence.testing.Eventually.waitFor(
                    // a bound for a loaded machine, not a speed target: bench/run-sessions.sh measures speed
                    Duration.ofSeconds(300), "the healthy client sees the flood end", () -> healthy.tail()
                            .contains("flood-done-16"));
            assertTrue(healthy.output.size() > 30_000_000, "the healthy client got all of the flood");
            healthy.type("echo still-alive-$((9*9))\n");
            eventually(() -> healthy.tail().contains("still-alive-81"), "the session goes on");
            assertEquals(1, stuckMessages.get(), "the stuck client asked for one message only");
            assertEquals(
                    "running",
                    json(call(port, "GET", "/v1/sessions/" + id, null))
                            .get("state")
                            .asText());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pagesWithLimitOffsetAndCursorInCreationOrder(TestEngine engine) throws Exception {
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = call(
                        port, "POST", "/v1/sessions", "{\"command\":[\"/bin/true\"],\"project\":\"p" + (i % 2) + "\"}");
                assertEquals(201, r.statusCode(), r.body());
                ids.add(json(r).get("id").asText());
            }
            assertEquals(ids.subList(0, 2), idsOf(call(port, "GET", "/v1/sessions?limit=2", null)));
            assertEquals(ids.subList(2, 3), idsOf(call(port, "GET", "/v1/sessions?limit=2&offset=2", null)));
            assertEquals(ids.subList(2, 3), idsOf(call(port, "GET", "/v1/sessions?after=" + ids.get(1), null)));
            assertEquals(List.of(), idsOf(call(port, "GET", "/v1/sessions?after=" + ids.get(2), null)));
            assertEquals(List.of(), idsOf(call(port, "GET", "/v1/sessions?offset=50", null)));
            assertEquals(List.of(ids.get(0), ids.get(2)), idsOf(call(port, "GET", "/v1/sessions?project=p0", null)));
            assertEquals(List.of(), idsOf(call(port, "GET", "/v1/sessions?createdAfter=2999-01-01T00:00:00Z", null)));
            assertEquals(400, call(port, "GET", "/v1/sessions?sort=up", null).statusCode());
            assertEquals(400, call(port, "GET", "/v1/sessions?limit=0", null).statusCode());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void purgeLeavesNoRowOfTheSessionButTheAuditOfIt(TestEngine engine) throws Exception {
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            String id = createShell(port, "never");
            call(port, "POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo purge-me\\n\"}");
            eventually(unchecked(() -> transcript(port, id).contains("purge-me")), "output recorded");
            assertEquals(
                    200,
                    call(port, "POST", "/v1/sessions/" + id + "/pause", null).statusCode());
            eventually(
                    unchecked(() ->
                            rows(daemon, "SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?", "session|" + id)
                                    == 1),
                    "the pause checkpoint's snapshot");
            assertEquals(1, rows(daemon, "SELECT COUNT(*) FROM checkpoints WHERE owner_id = ?", id));

            HttpResponse<String> purged = call(port, "DELETE", "/v1/sessions/" + id + "?purge=true", null);
            assertEquals(200, purged.statusCode(), purged.body());
            for (String table :
                    List.of("transcripts WHERE owner_id", "checkpoints WHERE owner_id", "sessions WHERE id")) {
                assertEquals(0, rows(daemon, "SELECT COUNT(*) FROM " + table + " = ?", id), table);
            }
            for (String table : List.of("journal", "snapshot", "journal_deletions")) {
                assertEquals(
                        0,
                        rows(daemon, "SELECT COUNT(*) FROM " + table + " WHERE persistence_id = ?", "session|" + id),
                        table);
            }
            assertEquals(
                    Map.of(),
                    SchemaScan.rowsMentioning(
                            io.kaged.persistence.store.StoreExtension.store(
                                    daemon.system().classicSystem()),
                            List.of(id, "session|" + id),
                            java.util.Set.of("audit")),
                    "no table keeps a row of the purged session");
            assertTrue(
                    auditKinds(daemon, id).contains("session.purge"),
                    auditKinds(daemon, id).toString());
            assertEquals(404, call(port, "GET", "/v1/sessions/" + id, null).statusCode());
            assertEquals(
                    404,
                    call(port, "DELETE", "/v1/sessions/" + id + "?purge=true", null)
                            .statusCode());
        } finally {
            daemon.stop();
        }
    }

    private static long rows(Daemon daemon, String sql, String arg) throws Exception {
        return io.kaged.persistence.store.StoreExtension.store(daemon.system().classicSystem())
                .withConnection(c -> {
                    try (var ps = c.prepareStatement(sql)) {
                        ps.setString(1, arg);
                        try (var rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                });
    }

    private List<String> idsOf(HttpResponse<String> page) throws Exception {
        assertEquals(200, page.statusCode(), page.body());
        List<String> ids = new java.util.ArrayList<>();
        json(page).get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static List<String> auditKinds(Daemon daemon, String subject) throws Exception {
        return io.kaged.persistence.store.StoreExtension.store(daemon.system().classicSystem())
                .withConnection(c -> {
                    try (var ps = c.prepareStatement("SELECT kind FROM audit WHERE subject = ? ORDER BY id")) {
                        ps.setString(1, subject);
                        try (var rs = ps.executeQuery()) {
                            List<String> kinds = new java.util.ArrayList<>();
                            while (rs.next()) {
                                kinds.add(rs.getString(1));
                            }
                            return kinds;
                        }
                    }
                });
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void stoppingTheDaemonClosesLiveSessionsAndRecordsIt(TestEngine engine) throws Exception {
        Map<String, String> env = env(TestDatabases.newStoreUrl(engine, home));
        Daemon first = Daemon.start(ConfigLoader.load(env, null), 0);
        String id;
        long pid;
        try {
            id = createShell(first.port(), "always");
            pid = json(call(first.port(), "GET", "/v1/sessions/" + id, null))
                    .get("pid")
                    .asLong();
        } finally {
            first.stop();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the shell outlived the daemon");
        Daemon second = Daemon.start(ConfigLoader.load(env, null), 0);
        try {
            JsonNode v = json(call(second.port(), "GET", "/v1/sessions/" + id, null));
            assertEquals("closed", v.get("state").asText(), v.toString());
            Thread.sleep(500);
            assertEquals(
                    "closed",
                    json(call(second.port(), "GET", "/v1/sessions/" + id, null))
                            .get("state")
                            .asText(),
                    "a deliberately stopped session is not restarted, whatever its policy");

            HttpResponse<String> restarted = call(second.port(), "POST", "/v1/sessions/" + id + "/restart", null);
            assertEquals(200, restarted.statusCode(), restarted.body());
            // The answer reports the state the session has by then: starting, or running on a quick machine.
            String answered = json(restarted).get("state").asText();
            assertTrue(answered.equals("starting") || answered.equals("running"), answered);
            String sid = id;
            eventually(
                    unchecked(() -> json(call(second.port(), "GET", "/v1/sessions/" + sid, null))
                            .get("state")
                            .asText()
                            .equals("running")),
                    "the session running again after a restart by hand");
            JsonNode again = json(call(second.port(), "GET", "/v1/sessions/" + id, null));
            assertNotEquals(pid, again.get("pid").asLong(), "a new process");
            HttpResponse<String> refused = call(second.port(), "POST", "/v1/sessions/" + id + "/restart", null);
            assertEquals(409, refused.statusCode(), refused.body());
            assertEquals(
                    "application/problem+json",
                    refused.headers().firstValue("Content-Type").orElse(""));
            // audit rows are group-committed after the answer
            int auditPort = second.port();
            eventually(
                    unchecked(() -> {
                        String audit = call(auditPort, "GET", "/v1/audit?kind=session.restart", null)
                                .body();
                        return audit.contains("\"outcome\":\"ok\"") && audit.contains("\"outcome\":\"refused\"");
                    }),
                    "the restart and the refused restart audited");
        } finally {
            second.stop();
        }
    }

    private static String assertThrowsCompletion(Check attempt) {
        try {
            attempt.test();
        } catch (Exception e) {
            return String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + " " + e;
        }
        throw new AssertionError("expected the attempt to fail");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void badRequestsAreClearProblemsAndChangeNothing(TestEngine engine) throws Exception {
        Daemon daemon = Daemon.start(ConfigLoader.load(env(TestDatabases.newStoreUrl(engine, home)), null), 0);
        int port = daemon.port();
        try {
            for (String body : List.of(
                    "{",
                    "[]",
                    "{\"command\":[]}",
                    "{\"command\":[\"sh\"],\"cols\":\"80\"}",
                    "{\"command\":[\"sh\"],\"extra\":1}",
                    "{\"command\":[\"sh\"],\"restart\":\"sometimes\"}",
                    "{\"command\":[\"sh\"],\"cwd\":\"/no/such/folder\"}")) {
                HttpResponse<String> r = call(port, "POST", "/v1/sessions", body);
                assertEquals(400, r.statusCode(), body + " -> " + r.body());
                assertEquals(
                        "application/problem+json",
                        r.headers().firstValue("Content-Type").orElseThrow());
            }
            HttpResponse<String> huge =
                    call(port, "POST", "/v1/sessions", "{\"command\":[\"" + "x".repeat(2_000_000) + "\"]}");
            assertEquals(413, huge.statusCode(), huge.body());
            assertEquals(404, call(port, "GET", "/v1/sessions/nope", null).statusCode());
            assertEquals(
                    404, call(port, "POST", "/v1/sessions/nope/pause", null).statusCode());
            assertEquals(
                    400, call(port, "GET", "/v1/sessions?state=dancing", null).statusCode());
            assertEquals(
                    400,
                    call(port, "GET", "/v1/sessions?createdAfter=yesterday", null)
                            .statusCode());
            assertEquals(405, call(port, "PUT", "/v1/sessions", "{}").statusCode());
            HttpResponse<String> list = call(port, "GET", "/v1/sessions", null);
            assertEquals(0, json(list).get("items").size(), list.body());
            assertEquals(200, call(port, "GET", "/v1/health", null).statusCode());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSessionComesBackWithItsScrollbackAfterTheDaemonIsKilled(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "serve",
                        "--port",
                        String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("daemon.log").toFile());
        pb.environment().putAll(env(url));
        Process daemonProcess = pb.start();
        String id;
        long firstPid;
        try {
            int p = port;
            // A JVM started from the test class path, without the class-data archive, on a busy 2-core
            // machine: its start is not what this test is about, so it gets longer than WAIT.
            io.kaged.persistence.testing.Eventually.waitFor(
                    CHILD_START,
                    "child daemon healthy",
                    unchecked(() -> http.send(
                                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/v1/health"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200)::get);
            id = createShell(port, "always");
            call(port, "POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo before-crash-$((3*3))\\n\"}");
            String sid = id;
            eventually(
                    unchecked(() -> transcript(p, sid).contains("before-crash-9")), "output recorded before the crash");
            firstPid = json(call(port, "GET", "/v1/sessions/" + id, null))
                    .get("pid")
                    .asLong();
        } finally {
            daemonProcess.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        Daemon second = Daemon.start(ConfigLoader.load(env(url), null), 0);
        int p2 = second.port();
        try {
            String sid = id;
            eventually(
                    unchecked(() -> {
                        JsonNode v = json(call(p2, "GET", "/v1/sessions/" + sid, null));
                        return v.get("state").asText().equals("running")
                                && v.get("pid").asLong() != firstPid;
                    }),
                    "session restarted by its policy after recovery: "
                            + call(p2, "GET", "/v1/sessions/" + id, null).body());
            JsonNode v = json(call(p2, "GET", "/v1/sessions/" + id, null));
            assertEquals(1, v.get("restarts").asInt());
            assertTrue(transcript(p2, id).contains("before-crash-9"), "scrollback survives the crash");
            Client client = attach(p2, id, "", true);
            eventually(() -> client.text().contains("before-crash-9"), "scrollback on attach after the crash");
            client.type("echo after-crash-$((5+5))\n");
            eventually(() -> client.text().contains("after-crash-10"), "the restarted shell answers");
        } finally {
            second.stop();
        }
    }
}
