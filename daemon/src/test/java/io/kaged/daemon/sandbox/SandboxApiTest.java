package io.kaged.daemon.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sandboxed runs and sessions through the real daemon with real bubblewrap, on both engines. The kaged home
 * and the workspace are under the build folder, not {@code /tmp}: the sandbox's private {@code /tmp} would
 * hide them anyway, and the test is of the home being hidden on its own.
 */
class SandboxApiTest extends SandboxDaemonBase {

    SandboxApiTest() {
        super("sandbox-test-");
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path outside;

    @BeforeEach
    void outsideFolder() throws Exception {
        outside = Files.createDirectories(root.resolve("outside"));
    }

    private String dispatch(Map<String, Object> body) throws Exception {
        return kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
    }

    private Map<String, Object> run(String script, Map<String, Object> sandbox) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", List.of("/bin/sh", "-c", script));
        body.put("cwd", workspace.toString());
        if (sandbox != null) {
            body.put("sandbox", sandbox);
        }
        return body;
    }

    /** The probes a sandboxed run makes, each printing what it could do. */
    private String probes(Path storeFile) {
        String token = home.resolve("auth-token").toString();
        return String.join(
                "\n",
                "if cat " + token + "; then echo TOKEN-READ; else echo TOKEN-HIDDEN; fi",
                "if [ -n \"$(ls -A " + home + ")\" ]; then echo HOME-LISTED; else echo HOME-EMPTY; fi",
                storeFile == null
                        ? "echo STORE-HIDDEN"
                        : "if head -c 16 " + storeFile
                                + " >/dev/null; then echo STORE-READ; else echo STORE-HIDDEN; fi",
                "if echo x > " + outside.resolve("escaped")
                        + "; then echo WROTE-OUTSIDE; else echo OUTSIDE-REFUSED; fi",
                "if echo x > /etc/kaged-sandbox-test; then echo WROTE-ETC; rm /etc/kaged-sandbox-test;"
                        + " else echo ETC-REFUSED; fi",
                "echo inside > inside.txt && echo WROTE-INSIDE",
                "if bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + kaged.daemon.port()
                        + "' 2>/dev/null; then echo TCP-OPEN; else echo TCP-REFUSED; fi",
                // a subagent's way to the API without network: the socket, with the run's own token
                "if [ -n \"$KAGED_SOCKET\" ]; then curl -s --unix-socket \"$KAGED_SOCKET\""
                        + " -H \"Authorization: Bearer $KAGED_TOKEN\" http://kaged/v1/runs/$KAGED_RUN_ID"
                        + " | grep -q \"\\\"id\\\":\\\"$KAGED_RUN_ID\\\"\" && echo API-REACHED; fi");
    }

    private Path storeFile() throws Exception {
        return kaged.store().target().file().orElse(null);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSandboxedRunSeesNeitherTokenNorStoreWritesOnlyItsWorkspaceAndHasNoNetwork(TestEngine engine)
            throws Exception {
        kaged = new TestDaemon(engine, home, "");
        Path store = storeFile();
        assertEquals(engine == TestEngine.SQLITE, store != null && Files.exists(store));

        // the same probes without a sandbox: each of them can see the difference
        String open = dispatch(run(probes(store), null));
        kaged.awaitState(open, "succeeded");
        String plain = output(open);
        assertTrue(plain.contains("TOKEN-READ") && plain.contains(kaged.token()), plain);
        assertTrue(plain.contains("HOME-LISTED") && plain.contains("WROTE-OUTSIDE"), plain);
        assertTrue(plain.contains("TCP-OPEN") && plain.contains("WROTE-INSIDE"), plain);
        assertFalse(plain.contains("API-REACHED"), "no socket without a sandbox: " + plain);
        assertEquals(engine == TestEngine.SQLITE, plain.contains("STORE-READ"), plain);
        Files.delete(outside.resolve("escaped"));
        Files.delete(workspace.resolve("inside.txt"));

        String boxed = dispatch(run(probes(store), Map.of("network", false)));
        kaged.awaitState(boxed, "succeeded");
        String out = output(boxed);
        for (String expected : List.of(
                "TOKEN-HIDDEN",
                "HOME-EMPTY",
                "STORE-HIDDEN",
                "OUTSIDE-REFUSED",
                "ETC-REFUSED",
                "WROTE-INSIDE",
                "TCP-REFUSED",
                "API-REACHED")) {
            assertTrue(out.contains(expected), expected + " in:\n" + out);
        }
        assertFalse(out.contains(kaged.token()), out);
        assertFalse(Files.exists(outside.resolve("escaped")));
        assertFalse(Files.exists(Path.of("/etc/kaged-sandbox-test")));
        assertEquals("inside\n", Files.readString(workspace.resolve("inside.txt")));

        assertEquals(
                "bubblewrap",
                kaged.json("GET", "/v1/info", null, 200).get("sandbox").asText());
        JsonNode applied = audit("sandbox.applied", boxed);
        assertEquals(1, applied.size(), applied.toString());
        assertTrue(applied.get(0).get("detail").asText().contains("network off"), applied.toString());
        assertTrue(events(boxed).contains("SandboxApplied"), events(boxed));
        assertEquals(0, audit("sandbox.applied", open).size());

        // with the network on, the daemon's port is reachable from the sandbox
        String networked = dispatch(run(probes(store), Map.of()));
        kaged.awaitState(networked, "succeeded");
        String netOut = output(networked);
        assertTrue(netOut.contains("TCP-OPEN") && netOut.contains("TOKEN-HIDDEN"), netOut);

        // a writable folder above the home does not show it again; a workspace inside it is refused
        String above = dispatch(run(probes(store), Map.of("writable", List.of(root.toString()))));
        kaged.awaitState(above, "succeeded");
        String aboveOut = output(above);
        assertTrue(aboveOut.contains("TOKEN-HIDDEN") && aboveOut.contains("HOME-EMPTY"), aboveOut);
        assertTrue(aboveOut.contains("WROTE-OUTSIDE"), "the granted folder is writable: " + aboveOut);
        Map<String, Object> inHome = run("echo ran", Map.of());
        inHome.put("cwd", home.toString());
        String refused = dispatch(inHome);
        kaged.awaitState(refused, "failed");
        assertTrue(events(refused).contains("is inside kaged's home"), events(refused));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pauseResumeAndCancelReachTheWholeSandbox(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        String marker = "kaged-sandbox-marker-" + UUID.randomUUID();
        Map<String, Object> body = run("i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done", Map.of());
        body.put("command", List.of("/bin/sh", "-c", "sh -c \"$1\" " + marker + "-child \"$1\"", marker, script()));
        String id = dispatch(body);
        kaged.awaitState(id, "running");
        Eventually.waitFor(WAIT, "ticks", () -> output(id).contains("tick 3"));
        assertTrue(processesWith(marker) >= 2, "the shell and its child run: " + processesWith(marker));

        kaged.json("POST", "/v1/runs/" + id + "/pause", null, 200);
        Thread.sleep(500); // what was printed before the stop is recorded
        int paused = output(id).length();
        Thread.sleep(1000);
        assertEquals(paused, output(id).length(), "nothing is printed while paused");

        kaged.json("POST", "/v1/runs/" + id + "/resume", null, 200);
        Eventually.waitFor(WAIT, "ticks after resume", () -> output(id).length() > paused + 20);

        kaged.json("POST", "/v1/runs/" + id + "/cancel", null, 200);
        kaged.awaitState(id, "cancelled");
        Eventually.waitFor(WAIT, "no process of the sandbox left", () -> processesWith(marker) == 0);
    }

    private static String script() {
        return "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done";
    }

    private static long processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker))
                .count();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSandboxThatCannotBeSetUpRefusesTheRunUnlessItMayRunWithout(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "kaged.sandbox.bwrap = \"/no/such/bwrap\"\n");
        Map<String, Object> body = run("echo ran", Map.of("network", false));
        body.put("retries", 3);
        String refused = dispatch(body);
        kaged.awaitState(refused, "failed");
        JsonNode view = kaged.json("GET", "/v1/runs/" + refused, null, 200);
        assertEquals(1, view.get("attempts").asInt(), "a refusal is not retried: " + view);
        assertEquals("", output(refused));
        String events = events(refused);
        assertTrue(events.contains("SandboxRefused") && events.contains("/no/such/bwrap"), events);
        JsonNode rows = audit("sandbox.refused", refused);
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("refused", rows.get(0).get("outcome").asText());
        assertTrue(rows.get(0).get("detail").asText().contains("sandbox refused"), rows.toString());

        String info = kaged.json("GET", "/v1/info", null, 200).get("sandbox").asText();
        assertTrue(info.startsWith("unavailable: bubblewrap is not available (/no/such/bwrap"), info);

        String allowed = dispatch(run("echo ran", Map.of("network", false, "required", false)));
        kaged.awaitState(allowed, "succeeded");
        assertEquals("ran\n", output(allowed));
        assertEquals(1, audit("sandbox.skipped", allowed).size());
        assertTrue(events(allowed).contains("SandboxSkipped"));

        // a session too
        JsonNode session = kaged.json(
                "POST",
                "/v1/sessions",
                JSON.writeValueAsString(
                        Map.of("command", List.of("/bin/sh", "-c", "echo hi; sleep 30"), "sandbox", Map.of())),
                201);
        String sid = session.get("id").asText();
        Eventually.waitFor(
                WAIT,
                "the session's refusal is audited",
                () -> audit("sandbox.refused", sid).size() == 1);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSandboxedSessionDoesNotSeeTheHome(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        String script = "if cat " + home.resolve("auth-token") + "; then echo TOKEN-READ; else echo TOKEN-HIDDEN; fi;"
                + " sleep 30";
        JsonNode session = kaged.json(
                "POST",
                "/v1/sessions",
                JSON.writeValueAsString(Map.of(
                        "command", List.of("/bin/sh", "-c", script),
                        "cwd", workspace.toString(),
                        "sandbox", Map.of("network", false))),
                201);
        String sid = session.get("id").asText();
        Eventually.waitFor(WAIT, "the probe's answer", () -> transcript(sid).contains("TOKEN-"));
        String transcript = transcript(sid);
        assertTrue(transcript.contains("TOKEN-HIDDEN"), transcript);
        assertFalse(transcript.contains(kaged.token()), transcript);
        assertEquals(1, audit("sandbox.applied", sid).size());
        kaged.call("DELETE", "/v1/sessions/" + sid, null);
    }

    private String transcript(String sessionId) throws Exception {
        return kaged.call("GET", "/v1/sessions/" + sessionId + "/transcript", null)
                .body();
    }
}
