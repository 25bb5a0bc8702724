package io.kaged.daemon.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An agent's terminals through the public API of a real daemon, on both engines: each terminal/create of
 * {@link TestAgent} is a child run of the agent's run, in the run tree with its output and exit code, and the
 * agent gets what it printed (cut to its outputByteLimit), its exit, a kill, and a cancel through the run API.
 */
class AgentTerminalApiTest extends AgentDaemonBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAID = Pattern.compile(
            "terminal (\\S+) exit=(\\S+) signal=(\\S+) truncated=(\\S+) status=(\\S+) released=(\\S+) output=\\[(.*)\\]",
            Pattern.DOTALL);

    private List<JsonNode> items(String run) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        kaged.json("GET", "/v1/runs/" + run + "/conversation?limit=1000", null, 200)
                .get("items")
                .forEach(items::add);
        return items;
    }

    /** The agent's messages once {@code turns} turns have ended. */
    private List<String> said(String run, int turns) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT,
                "run " + run + " has " + turns + " ended turns",
                () -> items(run).stream()
                                .filter(i -> i.get("type").asText().equals("turn_end"))
                                .count()
                        >= turns);
        List<String> said = new ArrayList<>();
        for (JsonNode i : items(run)) {
            if (i.get("type").asText().equals("agent_message")) {
                said.add(i.get("text").asText());
            }
        }
        return said;
    }

    private static Matcher terminal(String said) {
        Matcher m = SAID.matcher(said);
        assertTrue(m.matches(), said);
        return m;
    }

    private JsonNode children(String run) throws Exception {
        return kaged.json("GET", "/v1/runs?parentId=" + run, null, 200).get("items");
    }

    /** The id of the one terminal the agent of {@code run} has opened, once its child run is there. */
    private String terminalChild(String run) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT, "the terminal's child run", () -> children(run).size() == 1);
        return children(run).get(0).get("id").asText();
    }

    /** The id of the one terminal the agent of {@code run} has opened, once its command runs. */
    private String runningTerminalChild(String run) throws Exception {
        String child = terminalChild(run);
        kaged.awaitState(child, "running");
        return child;
    }

    private String output(String run) throws Exception {
        return kaged.call("GET", "/v1/runs/" + run + "/output", null).body();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aTerminalIsAChildRunWithItsOutputAndExitAndTheAgentGetsThem(TestEngine engine) throws Exception {
        start(engine);
        Files.createDirectories(work.resolve("sub"));
        String run =
                agentRun(null, "terminal cwd=sub echo hello from $(basename $(pwd)) $TEST_AGENT_TERMINAL && exit 3");
        Matcher m = terminal(said(run, 1).get(0));
        String child = m.group(1);
        assertEquals("3", m.group(2));
        assertEquals("none", m.group(3));
        assertEquals("false", m.group(4));
        assertEquals("3", m.group(5), "terminal/output has the exit status once the command ended");
        assertEquals("true", m.group(6), "a released terminal is forgotten");
        assertEquals("hello from sub yes\n", m.group(7));

        JsonNode tree = children(run);
        assertEquals(1, tree.size(), tree.toString());
        JsonNode view = tree.get(0);
        assertEquals(child, view.get("id").asText(), "the terminal id is the child run's id");
        assertEquals(run, view.get("parentId").asText());
        assertEquals("failed", view.get("state").asText());
        assertEquals(3, view.get("exitCode").asInt());
        assertEquals(
                work.resolve("sub").toRealPath().toString(), view.get("cwd").asText());
        assertEquals(
                List.of("sh", "-c"),
                List.of(
                        view.get("command").get(0).asText(),
                        view.get("command").get(1).asText()));
        assertEquals("hello from sub yes\n", output(child));
        assertEquals(
                1,
                kaged.json("GET", "/v1/runs/" + run, null, 200).get("children").asInt());
        assertEquals("running", kaged.state(run));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void outputIsCutFromTheStartAtACharacterBoundaryToTheLimit(TestEngine engine) throws Exception {
        start(engine);
        // 5 + 2 * 2 bytes: the last 3 begin inside the first é, so only the last 2 are kept
        String run = agentRun(null, "terminal limit=3 printf 'abcde\\303\\251\\303\\251'");
        Matcher m = terminal(said(run, 1).get(0));
        assertEquals("true", m.group(4));
        assertEquals("0", m.group(2));
        assertEquals("é", m.group(7));
        assertEquals("abcdeéé", output(m.group(1)), "the child run records everything; only the answer is cut");
        kaged.json(
                "POST",
                "/v1/runs/" + run + "/prompt",
                JSON.createObjectNode()
                        .put("text", "terminal limit=6 printf 'abcde\\303\\251\\303\\251'")
                        .toString(),
                202);
        Matcher cut = terminal(said(run, 2).get(1));
        assertEquals("deéé", cut.group(7));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aKilledTerminalEndsBySignalAndItsRunIsCancelled(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "terminal kill echo started && sleep 60");
        Matcher m = terminal(said(run, 1).get(0));
        assertEquals("none", m.group(2));
        assertEquals("SIGTERM", m.group(3));
        assertEquals("started\n", m.group(7));
        assertEquals("cancelled", kaged.state(m.group(1)));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aTerminalCancelledThroughTheRunApiAnswersTheAgentsWait(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "terminal sleep 60");
        String child = runningTerminalChild(run);
        kaged.json("POST", "/v1/runs/" + child + "/cancel", null, 200);
        Matcher m = terminal(said(run, 1).get(0));
        assertEquals(child, m.group(1));
        assertEquals("SIGTERM", m.group(3));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void cancellingTheAgentsRunCancelsItsTerminals(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "terminal sleep 60");
        String child = runningTerminalChild(run);
        JsonNode cancelled = kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
        assertEquals(1, cancelled.get("cancelledDescendants").asInt(), cancelled.toString());
        kaged.awaitState(child, "cancelled");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theTerminalsAnAgentLeftRunningAreCancelledWhenItsProcessEnds(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "terminal leave sleep 60; sleep 500; crash");
        String child = terminalChild(run);
        kaged.awaitState(run, "failed");
        kaged.awaitState(child, "cancelled");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aTerminalOutsideTheWorkspaceIsRefusedAndAudited(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "terminal cwd=.. echo escaped");
        String said = said(run, 1).get(0);
        assertTrue(said.startsWith("terminal refused: cwd "), said);
        assertEquals(0, children(run).size());
        assertEquals(
                1,
                kaged.count(
                        "SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.refused' AND subject = ? AND detail LIKE ?",
                        run,
                        "terminal/create%"));
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("event:FileRefused"), events);
        assertTrue(events.contains("outside_workspace"), events);
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }
}
