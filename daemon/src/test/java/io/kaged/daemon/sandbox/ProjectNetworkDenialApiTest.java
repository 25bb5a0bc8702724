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
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A project whose config says {@code "sandbox": {"network": false}}, through the real daemon with real
 * bubblewrap, on both engines: its runs, sessions and subagents that do not say get no network, the ones that
 * ask for it are refused (a run event and a {@code sandbox.refused} audit row), and a config whose
 * {@code sandbox.network} is no boolean refuses the dispatch with a 400.
 */
class ProjectNetworkDenialApiTest extends SandboxDaemonBase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    ProjectNetworkDenialApiTest() {
        super("netdeny-test-");
    }

    private void start(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        project("offline", Map.of("sandbox", Map.of("network", false)));
    }

    private void project(String name, Map<String, Object> config) throws Exception {
        kaged.json("POST", "/v1/projects", JSON.writeValueAsString(Map.of("name", name, "config", config)), 201);
    }

    /** Prints whether the daemon's port could be reached over TCP. */
    private String tcpProbe() {
        return "if bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + kaged.daemon.port()
                + "' 2>/dev/null; then echo TCP-OPEN; else echo TCP-REFUSED; fi";
    }

    /** A run's body; {@code project} and {@code sandbox} are left out when null. */
    private Map<String, Object> run(String script, String project, Map<String, Object> sandbox) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", List.of("/bin/sh", "-c", script));
        body.put("cwd", workspace.toString());
        if (project != null) {
            body.put("project", project);
        }
        if (sandbox != null) {
            body.put("sandbox", sandbox);
        }
        return body;
    }

    private String dispatch(Map<String, Object> body) throws Exception {
        return kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
    }

    /** The run ended failed at its first attempt, refused by project {@code project}, audited once. */
    private void assertRefusedBy(String runId, String project) throws Exception {
        kaged.awaitState(runId, "failed");
        JsonNode view = kaged.json("GET", "/v1/runs/" + runId, null, 200);
        assertEquals(1, view.get("attempts").asInt(), "a refusal is not retried: " + view);
        assertEquals("", output(runId), "the process never started");
        String events = events(runId);
        assertTrue(events.contains("SandboxRefused"), events);
        assertTrue(events.contains("project " + project + "'s config denies network"), events);
        JsonNode rows = audit("sandbox.refused", runId);
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("refused", rows.get(0).get("outcome").asText());
        assertTrue(
                rows.get(0).get("detail").asText().contains("PUT /v1/projects/" + project + "/config"),
                rows.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aRunOfTheProjectThatDoesNotSayHasNoNetwork(TestEngine engine) throws Exception {
        start(engine);
        // the same sandbox outside the project has the network: the probe tells the difference
        String open = dispatch(run(tcpProbe(), null, Map.of()));
        kaged.awaitState(open, "succeeded");
        assertTrue(output(open).contains("TCP-OPEN"), output(open));

        Map<String, Object> body = run(tcpProbe(), "offline", Map.of());
        body.put("retries", 2);
        String denied = dispatch(body);
        kaged.awaitState(denied, "succeeded");
        assertTrue(output(denied).contains("TCP-REFUSED"), output(denied));
        JsonNode applied = audit("sandbox.applied", denied);
        assertEquals(1, applied.size(), applied.toString());
        String detail = applied.get(0).get("detail").asText();
        assertTrue(detail.contains("network off") && detail.contains("project offline denies it"), detail);

        // explicitly off is the same, and is let run
        String off = dispatch(run(tcpProbe(), "offline", Map.of("network", false)));
        kaged.awaitState(off, "succeeded");
        assertTrue(output(off).contains("TCP-REFUSED"), output(off));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aRunOfTheProjectThatAsksForTheNetworkIsRefusedAndAudited(TestEngine engine) throws Exception {
        start(engine);
        Map<String, Object> asks = run("echo ran", "offline", Map.of("network", true));
        asks.put("retries", 3);
        assertRefusedBy(dispatch(asks), "offline");
        // no sandbox at all is the host's network: refused as well
        assertRefusedBy(dispatch(run("echo ran", "offline", null)), "offline");
        // a sandbox that may be skipped cannot be a way out either: it is refused the same
        assertRefusedBy(dispatch(run("echo ran", "offline", Map.of("network", true, "required", false))), "offline");

        // once the project allows the network again, the same run runs with it
        kaged.json(
                "PUT",
                "/v1/projects/offline/config",
                JSON.writeValueAsString(Map.of("config", Map.of("sandbox", Map.of("network", true)))),
                200);
        String allowed = dispatch(run(tcpProbe(), "offline", null));
        kaged.awaitState(allowed, "succeeded");
        assertTrue(output(allowed).contains("TCP-OPEN"), output(allowed));
        assertEquals(0, audit("sandbox.refused", allowed).size());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void whereNoSandboxCanBeSetUpTheProjectsRunsAreRefusedEvenThoseThatMayGoWithout(TestEngine engine)
            throws Exception {
        kaged = new TestDaemon(engine, home, "kaged.sandbox.bwrap = \"/no/such/bwrap\"\n");
        project("offline", Map.of("sandbox", Map.of("network", false)));
        // outside the project, such a run goes on without a sandbox
        String elsewhere = dispatch(run("echo ran", null, Map.of("network", false, "required", false)));
        kaged.awaitState(elsewhere, "succeeded");
        assertEquals(1, audit("sandbox.skipped", elsewhere).size());

        String id = dispatch(run("echo ran", "offline", Map.of("network", false, "required", false)));
        kaged.awaitState(id, "failed");
        assertEquals("", output(id));
        JsonNode rows = audit("sandbox.refused", id);
        assertEquals(1, rows.size(), rows.toString());
        String detail = rows.get(0).get("detail").asText();
        assertTrue(detail.contains("/no/such/bwrap") && detail.contains("project offline denies the network"), detail);
        assertEquals(0, audit("sandbox.skipped", id).size());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSessionOfTheProjectHasNoNetworkOrIsRefused(TestEngine engine) throws Exception {
        start(engine);
        Map<String, Object> body = new HashMap<>();
        body.put("command", List.of("/bin/sh", "-c", tcpProbe() + "; sleep 30"));
        body.put("cwd", workspace.toString());
        body.put("project", "offline");
        body.put("sandbox", Map.of());
        String boxed = kaged.json("POST", "/v1/sessions", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        Eventually.waitFor(WAIT, "the probe's answer", () -> transcript(boxed).contains("TCP-"));
        assertTrue(transcript(boxed).contains("TCP-REFUSED"), transcript(boxed));
        assertEquals(1, audit("sandbox.applied", boxed).size());
        kaged.call("DELETE", "/v1/sessions/" + boxed, null);

        body.remove("sandbox");
        String open = kaged.json("POST", "/v1/sessions", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        Eventually.waitFor(
                WAIT,
                "the session's refusal is audited",
                () -> audit("sandbox.refused", open).size() == 1);
        JsonNode row = audit("sandbox.refused", open).get(0);
        assertTrue(row.get("detail").asText().contains("project offline's config denies network"), row.toString());
        assertFalse(transcript(open).contains("TCP-"), "the process never started: " + transcript(open));
    }

    private String transcript(String sessionId) throws Exception {
        return kaged.call("GET", "/v1/sessions/" + sessionId + "/transcript", null)
                .body();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theSubagentsOfARunOfTheProjectAreCoveredWhateverProjectTheyName(TestEngine engine) throws Exception {
        start(engine);
        project("elsewhere", Map.of());
        // the children's bodies, as files in the workspace the parent's curl sends with its own token
        Files.writeString(
                workspace.resolve("quiet.json"), JSON.writeValueAsString(run(tcpProbe() + " # quiet", null, Map.of())));
        Files.writeString(workspace.resolve("plain.json"), JSON.writeValueAsString(run("echo plain", null, null)));
        Files.writeString(
                workspace.resolve("elsewhere.json"),
                JSON.writeValueAsString(run("echo elsewhere", "elsewhere", Map.of("network", true))));
        String post = "curl -s --unix-socket \"$KAGED_SOCKET\" -H \"Authorization: Bearer $KAGED_TOKEN\""
                + " -H 'Content-Type: application/json' -X POST http://kaged/v1/runs --data @";
        String parent = dispatch(run(
                String.join("; ", post + "quiet.json", post + "plain.json", post + "elsewhere.json"),
                "offline",
                Map.of()));
        kaged.awaitState(parent, "succeeded");
        Eventually.waitFor(
                WAIT,
                "three children",
                () -> kaged.json("GET", "/v1/runs?parentId=" + parent, null, 200)
                                .get("items")
                                .size()
                        == 3);
        Map<String, String> children = new HashMap<>();
        for (JsonNode child :
                kaged.json("GET", "/v1/runs?parentId=" + parent, null, 200).get("items")) {
            children.put(child.get("command").get(2).asText(), child.get("id").asText());
        }
        String quiet = children.get(tcpProbe() + " # quiet");
        kaged.awaitState(quiet, "succeeded");
        assertTrue(output(quiet).contains("TCP-REFUSED"), output(quiet));
        assertRefusedBy(children.get("echo plain"), "offline");
        assertRefusedBy(children.get("echo elsewhere"), "offline");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aNetworkSettingThatIsNoBooleanRefusesTheDispatchWithA400(TestEngine engine) throws Exception {
        start(engine);
        project("broken", Map.of("sandbox", Map.of("network", "no")));
        for (Map<String, Object> sandbox : java.util.Arrays.asList(null, Map.<String, Object>of("network", false))) {
            JsonNode problem =
                    kaged.json("POST", "/v1/runs", JSON.writeValueAsString(run("echo ran", "broken", sandbox)), 400);
            String detail = problem.get("detail").asText();
            assertTrue(detail.startsWith("Project broken's config has sandbox.network"), detail);
            assertTrue(detail.contains("PUT /v1/projects/broken/config"), detail);
        }
        Map<String, Object> session = new HashMap<>();
        session.put("command", List.of("/bin/sh", "-c", "sleep 30"));
        session.put("project", "broken");
        JsonNode problem = kaged.json("POST", "/v1/sessions", JSON.writeValueAsString(session), 400);
        assertTrue(
                problem.get("detail").asText().startsWith("Project broken's config has sandbox.network"),
                problem.toString());
        assertEquals(
                0,
                kaged.json("GET", "/v1/runs?project=broken", null, 200)
                        .get("items")
                        .size());
        assertEquals(
                0,
                kaged.json("GET", "/v1/sessions?project=broken", null, 200)
                        .get("items")
                        .size());
    }
}
