package io.kaged.daemon.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ACP runs through the public API of a real daemon, on both engines, driving {@link TestAgent} as a real
 * separate process: turns and their conversation, prompts while a turn runs, policy and operator approvals,
 * a cancelled turn, files in and outside the workspace, garbage from the agent, approvals across a restart.
 */
class AgentRunApiTest extends AgentDaemonBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A daemon again on the store of the one just stopped: its stop() returned, so the store is free. */
    private TestDaemon restarted(String url) throws Exception {
        return new TestDaemon(home, url, "");
    }

    private String agentRun(String project, String prompt, int retries, String... flags) throws Exception {
        ObjectNode body = agentRunBody(project, prompt, flags);
        body.put("retries", retries);
        return createRun(body);
    }

    private JsonNode conversation(String run) throws Exception {
        return kaged.json("GET", "/v1/runs/" + run + "/conversation?limit=1000", null, 200);
    }

    private List<JsonNode> items(String run) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        conversation(run).get("items").forEach(items::add);
        return items;
    }

    /** Waits until the conversation has {@code turns} ended turns; its items. */
    private List<JsonNode> awaitTurns(String run, int turns) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT,
                "run " + run + " has " + turns + " ended turns",
                () -> items(run).stream()
                                .filter(i -> i.get("type").asText().equals("turn_end"))
                                .count()
                        >= turns);
        return items(run);
    }

    private static List<String> shapes(List<JsonNode> items) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : items) {
            String type = i.get("type").asText();
            out.add(
                    switch (type) {
                        case "user_message", "agent_message", "thought" ->
                            type + ":" + i.get("text").asText();
                        case "tool_call" ->
                            type + ":" + i.get("kind").asText() + ":"
                                    + i.get("status").asText();
                        case "turn_end" ->
                            type + ":"
                                    + (i.hasNonNull("stopReason")
                                            ? i.get("stopReason").asText()
                                            : "error");
                        case "plan" -> type + ":" + i.get("entries").size();
                        default -> type;
                    });
        }
        return out;
    }

    private JsonNode pendingApprovals(String run) throws Exception {
        return kaged.json("GET", "/v1/approvals?state=pending&runId=" + run, null, 200)
                .get("items");
    }

    private JsonNode awaitPending(String run, int count) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT,
                count + " pending approvals of " + run,
                () -> pendingApprovals(run).size() == count);
        return pendingApprovals(run);
    }

    private long audits(String kind, String actorPrefix) throws Exception {
        return kaged.count("SELECT COUNT(*) FROM audit WHERE kind = ? AND actor LIKE ?", kind, actorPrefix + "%");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aTurnBecomesTheConversationAndPromptsWaitTheirTurn(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "think hmm; plan a,b; say Hello, world");
        assertEquals(
                List.of(
                        "user_message:think hmm; plan a,b; say Hello, world",
                        "thought:hmm",
                        "plan:2",
                        "agent_message:Hello, world",
                        "turn_end:end_turn"),
                shapes(awaitTurns(run, 1)));

        HttpResponse<String> sent =
                kaged.call("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"sleep 1500; say slow\"}");
        assertEquals(202, sent.statusCode(), sent.body());
        assertEquals("sent", JSON.readTree(sent.body()).get("prompt").asText());
        HttpResponse<String> busy = kaged.call("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say next\"}");
        assertEquals(409, busy.statusCode(), busy.body());
        assertTrue(busy.body().contains("turn is running"), busy.body());
        HttpResponse<String> queued =
                kaged.call("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say next\",\"queue\":true}");
        assertEquals(202, queued.statusCode(), queued.body());
        assertEquals("queued", JSON.readTree(queued.body()).get("prompt").asText());
        List<String> all = shapes(awaitTurns(run, 3));
        assertEquals(
                List.of(
                        "user_message:sleep 1500; say slow",
                        "agent_message:slow",
                        "turn_end:end_turn",
                        "user_message:say next",
                        "agent_message:next",
                        "turn_end:end_turn"),
                all.subList(5, 11));

        JsonNode page = kaged.json("GET", "/v1/runs/" + run + "/conversation?offset=2&limit=2", null, 200);
        assertEquals(11, page.get("total").asInt());
        assertEquals(2, page.get("items").get(0).get("index").asInt());
        assertEquals(4, page.get("next").asInt());

        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("event:AgentConnected"), events);
        assertTrue(events.contains("event:ConversationItem"), events);
        assertTrue(events.contains("\"text\":\"Hello, world\""), events);
        // an ACP run is sandboxed by default, and its attempt says so like any other run's
        assertTrue(events.contains("event:SandboxApplied"), events);
        assertEquals(1, kaged.count("SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.applied' AND subject = ?", run));

        String plain = kaged.dispatch(null, "sleep", "30");
        assertEquals(
                409,
                kaged.call("POST", "/v1/runs/" + plain + "/prompt", "{\"text\":\"hi\"}")
                        .statusCode());
        assertEquals(
                409,
                kaged.call("GET", "/v1/runs/" + plain + "/conversation", null).statusCode());
        assertEquals(
                400,
                kaged.call("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"\"}")
                        .statusCode());

        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
        kaged.awaitState(run, "cancelled");
        assertEquals(
                409,
                kaged.call("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"late\"}")
                        .statusCode());
        kaged.json("POST", "/v1/runs/" + plain + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void thePolicyDecidesFirstAndTheOperatorTheRest(TestEngine engine) throws Exception {
        start(engine);
        kaged.json(
                "POST",
                "/v1/projects",
                "{\"name\":\"p\",\"config\":{\"acp\":{\"permissions\":["
                        + "{\"kind\":\"edit\",\"path\":\"src/**\",\"decision\":\"allow\"},"
                        + "{\"kind\":\"execute\",\"command\":\"git push\",\"decision\":\"reject\"},"
                        + "{\"kind\":\"delete\",\"decision\":\"ask\"}]}}}",
                201);
        String run = agentRun("p", "ask edit src/a.txt; ask execute git push origin; ask delete b.txt; say done");
        JsonNode pending = awaitPending(run, 1);
        JsonNode approval = pending.get(0);
        assertEquals("delete", approval.get("toolCall").get("kind").asText());
        assertEquals("p", approval.get("project").asText());
        assertEquals(4, approval.get("options").size());
        String id = approval.get("id").asText();

        HttpResponse<String> wrong = kaged.call("POST", "/v1/approvals/" + id, "{\"optionId\":\"maybe\"}");
        assertEquals(409, wrong.statusCode(), wrong.body());
        JsonNode decided = kaged.json("POST", "/v1/approvals/" + id, "{\"optionId\":\"allow_once\"}", 200);
        assertEquals("decided", decided.get("state").asText());
        assertEquals("allow_once", decided.get("decision").asText());
        assertEquals("operator api", decided.get("decidedBy").asText());
        assertEquals(
                409,
                kaged.call("POST", "/v1/approvals/" + id, "{\"optionId\":\"allow_once\"}")
                        .statusCode());

        List<String> shapes = shapes(awaitTurns(run, 1));
        assertEquals(
                List.of(
                        "tool_call:edit:completed",
                        "tool_call:execute:failed",
                        "tool_call:delete:completed",
                        "agent_message:done",
                        "turn_end:end_turn"),
                shapes.subList(1, 6));
        JsonNode all =
                kaged.json("GET", "/v1/approvals?runId=" + run, null, 200).get("items");
        assertEquals(3, all.size());
        List<String> by = new ArrayList<>();
        all.forEach(a ->
                by.add(a.get("decision").asText() + " by " + a.get("decidedBy").asText()));
        assertEquals(
                List.of(
                        "allow_once by policy acp.permissions[0] (kind edit, path src/**: allow)",
                        "reject_once by policy acp.permissions[1] (kind execute, command git push: reject)",
                        "allow_once by operator api"),
                by);
        // A request the policy decides is stored with its decision in one write, as one row: it has every
        // field of a request decided later.
        JsonNode decidedInProject = kaged.json("GET", "/v1/approvals?state=decided&project=p&runId=" + run, null, 200)
                .get("items");
        assertEquals(3, decidedInProject.size());
        for (JsonNode a : decidedInProject) {
            assertEquals("decided", a.get("state").asText(), a.toString());
            assertEquals(4, a.get("options").size(), a.toString());
            assertTrue(a.hasNonNull("requestedAt") && a.hasNonNull("decidedAt"), a.toString());
            assertTrue(a.get("toolCall").hasNonNull("kind"), a.toString());
        }
        assertEquals(
                List.of("allow_once", "reject_once", "allow_once"),
                List.of(
                        decidedInProject.get(0).get("decisionKind").asText(),
                        decidedInProject.get(1).get("decisionKind").asText(),
                        decidedInProject.get(2).get("decisionKind").asText()));
        assertEquals(2, audits("approval.decided", "policy "));
        assertEquals(1, audits("approval.decided", "operator api"));
        assertEquals(0, pendingApprovals(run).size());
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAlwaysIsRememberedAndACancelledTurnAnswersItsRequests(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "ask execute npm test");
        String first = awaitPending(run, 1).get(0).get("id").asText();
        kaged.json("POST", "/v1/approvals/" + first, "{\"optionId\":\"allow_always\"}", 200);
        awaitTurns(run, 1);

        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"ask execute npm test; say again\"}", 202);
        List<String> shapes = shapes(awaitTurns(run, 2));
        assertEquals("tool_call:execute:completed", shapes.get(4));
        JsonNode second = kaged.json("GET", "/v1/approvals?runId=" + run, null, 200)
                .get("items")
                .get(1);
        assertEquals(
                "policy run answer allow_always (execute npm test)",
                second.get("decidedBy").asText());

        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"ask edit x.txt; say never\"}", 202);
        String third = awaitPending(run, 1).get(0).get("id").asText();
        JsonNode cancelled = kaged.json("POST", "/v1/runs/" + run + "/cancel-turn", null, 202);
        assertEquals("cancelling", cancelled.get("turn").asText());
        List<String> after = shapes(awaitTurns(run, 3));
        assertEquals("turn_end:cancelled", after.get(after.size() - 1));
        JsonNode answered = kaged.json("GET", "/v1/approvals/" + third, null, 200);
        assertEquals("cancelled", answered.get("decision").asText());
        assertEquals("cancel-turn", answered.get("decidedBy").asText());
        assertEquals(
                409,
                kaged.call("POST", "/v1/runs/" + run + "/cancel-turn", null).statusCode());
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void filesStayInTheWorkspaceAndGarbageIsRecordedNotFatal(TestEngine engine) throws Exception {
        start(engine);
        String run =
                agentRun(null, "garbage; huge 200000; write notes.txt hello; write ../outside.txt x; say still here");
        List<String> shapes = shapes(awaitTurns(run, 1));
        assertEquals(
                List.of("agent_message:wrote notes.txtrefused ../outside.txtstill here", "turn_end:end_turn"),
                shapes.subList(1, 3));
        assertEquals("hello", Files.readString(work.resolve("notes.txt")));
        assertTrue(Files.notExists(home.resolve("outside.txt")));
        assertEquals("running", kaged.state(run));
        assertEquals(1, kaged.count("SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.refused' AND subject = ?", run));
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("event:AgentFault"), events);
        assertTrue(events.contains("malformed_line"), events);
        assertTrue(events.contains("unknown_method"), events);
        assertTrue(events.contains("event:FileWritten"), events);
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say and on\"}", 202);
        assertEquals("agent_message:and on", shapes(awaitTurns(run, 2)).get(4));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAgentThatRefusesTheSessionFailsTheRunWithItsReason(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "say never", "--auth-required");
        kaged.awaitState(run, "failed");
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("event:AgentSetupFailed"), events);
        assertTrue(events.contains("Authentication required"), events);
        JsonNode agent = conversation(run).get("agent");
        assertEquals("test-agent", agent.get("info").get("name").asText(), agent.toString());
        assertEquals("test-login", agent.get("authMethods").get(0).get("id").asText(), agent.toString());
        assertTrue(agent.get("setupError").asText().startsWith("session/new failed: "), agent.toString());
        assertTrue(agent.get("setupError").asText().contains("Authentication required"), agent.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aPendingApprovalWaitsAcrossARestart(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        kaged = new TestDaemon(home, url, "");
        work = Files.createDirectories(outside.resolve("work"));
        String run = agentRun(null, "ask edit a.txt");
        String id = awaitPending(run, 1).get(0).get("id").asText();
        kaged.close();
        kaged = restarted(url);
        JsonNode pending = pendingApprovals(run);
        assertEquals(1, pending.size(), pending.toString());
        assertEquals(id, pending.get(0).get("id").asText());
        JsonNode decided = kaged.json("POST", "/v1/approvals/" + id, "{\"optionId\":\"reject_once\"}", 200);
        assertEquals("reject_once", decided.get("decision").asText());
        assertEquals(1, audits("approval.decided", "operator api"));
        // the run lost its agent with the daemon: its recovery ends it (interrupted), asynchronously
        Predicate<String> ended = s -> !s.equals("running") && !s.equals("queued");
        Eventually.waitFor(TestDaemon.WAIT, "run " + run + " ended", () -> ended.test(kaged.state(run)));
    }

    /** The agent's sessions as the run recorded them: each AgentConnected's how (and note). */
    private List<JsonNode> connections(String run) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        String[] lines = events.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].equals("event:AgentConnected") && lines[i - 1].startsWith("data:")) {
                found.add(JSON.readTree(lines[i - 1].substring("data:".length())));
            }
        }
        return found;
    }

    private void awaitConnections(String run, int count) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT,
                count + " sessions of " + run,
                () -> connections(run).size() >= count);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aCrashedAgentIsLoadedBackWithoutDuplicatesAlsoAfterARestart(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        kaged = new TestDaemon(home, url, "");
        work = Files.createDirectories(outside.resolve("work"));
        String run = agentRun(null, "say first", 3, "--load");
        awaitTurns(run, 1);
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"crash\"}", 202);
        awaitConnections(run, 2);
        JsonNode loaded = connections(run).get(1);
        assertEquals("load", loaded.get("how").asText(), loaded.toString());
        assertEquals(connections(run).get(0).get("sessionId"), loaded.get("sessionId"));
        assertTrue(loaded.get("replayed").asInt() >= 3, loaded.toString());
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say after\",\"queue\":true}", 202);
        assertEquals(
                List.of(
                        "user_message:say first",
                        "agent_message:first",
                        "turn_end:end_turn",
                        "user_message:crash",
                        "turn_end:error",
                        "user_message:say after",
                        "agent_message:after",
                        "turn_end:end_turn"),
                shapes(awaitTurns(run, 3)));

        kaged.close();
        kaged = restarted(url);
        awaitConnections(run, 3);
        assertEquals("load", connections(run).get(2).get("how").asText());
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say again\",\"queue\":true}", 202);
        List<String> shapes = shapes(awaitTurns(run, 4));
        assertEquals(
                List.of("user_message:say again", "agent_message:again", "turn_end:end_turn"), shapes.subList(8, 11));
        assertEquals(11, shapes.size(), shapes.toString());
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAgentThatCannotLoadResumesOrStartsAfreshAndSaysSo(TestEngine engine) throws Exception {
        start(engine);
        String plain = agentRun(null, "say first", 1);
        awaitTurns(plain, 1);
        kaged.json("POST", "/v1/runs/" + plain + "/prompt", "{\"text\":\"crash\"}", 202);
        awaitConnections(plain, 2);
        JsonNode fresh = connections(plain).get(1);
        assertEquals("new", fresh.get("how").asText());
        assertTrue(fresh.get("note").asText().contains("does not remember the conversation"), fresh.toString());
        kaged.json("POST", "/v1/runs/" + plain + "/prompt", "{\"text\":\"say after\",\"queue\":true}", 202);
        assertEquals("agent_message:after", shapes(awaitTurns(plain, 3)).get(6));

        String resumable = agentRun(null, "say first", 1, "--resume");
        awaitTurns(resumable, 1);
        kaged.json("POST", "/v1/runs/" + resumable + "/prompt", "{\"text\":\"crash\"}", 202);
        awaitConnections(resumable, 2);
        JsonNode resumed = connections(resumable).get(1);
        assertEquals("resume", resumed.get("how").asText(), resumed.toString());
        assertEquals(connections(resumable).get(0).get("sessionId"), resumed.get("sessionId"));
        kaged.json("POST", "/v1/runs/" + plain + "/cancel", null, 200);
        kaged.json("POST", "/v1/runs/" + resumable + "/cancel", null, 200);
    }

    private JsonNode toolCallItem(String run, String toolCallId) throws Exception {
        for (JsonNode item : items(run)) {
            if (toolCallId.equals(item.path("toolCallId").asText())) {
                return item;
            }
        }
        throw new AssertionError("no tool call " + toolCallId + " in " + items(run));
    }

    private String events(String run) throws Exception {
        return kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anApprovalOutlivesItsAgentAndAnswersTheResumedAgentWhenItAsksAgain(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        kaged = new TestDaemon(home, url, "");
        work = Files.createDirectories(outside.resolve("work"));
        String run = agentRun(null, "askas t1 edit a.txt; say one", 3, "--load");
        String first = awaitPending(run, 1).get(0).get("id").asText();

        // still pending after a restart, and the resumed agent's new request for t1 is the same approval
        kaged.close();
        kaged = restarted(url);
        awaitConnections(run, 2);
        assertEquals(first, pendingApprovals(run).get(0).get("id").asText());
        kaged.json(
                "POST",
                "/v1/runs/" + run + "/prompt",
                "{\"text\":\"askas t1 edit a.txt; say again\",\"queue\":true}",
                202);
        Eventually.waitFor(
                TestDaemon.WAIT, "the agent asked again", () -> events(run).contains("event:ApprovalReasked"));
        assertEquals(1, pendingApprovals(run).size());
        JsonNode answered = kaged.json("POST", "/v1/approvals/" + first, "{\"optionId\":\"allow_once\"}", 200);
        assertEquals("operator api", answered.get("decidedBy").asText());
        awaitTurns(run, 2);
        assertEquals("completed", toolCallItem(run, "t1").get("status").asText());

        // decided while its agent is gone: the answer waits for the agent's next request of that tool call
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"askas t2 edit b.txt; say two\"}", 202);
        String second = awaitPending(run, 1).get(0).get("id").asText();
        kaged.close();
        kaged = restarted(url);
        awaitConnections(run, 3);
        JsonNode recorded = kaged.json("POST", "/v1/approvals/" + second, "{\"optionId\":\"reject_once\"}", 200);
        assertEquals("reject_once", recorded.get("decision").asText());
        kaged.json(
                "POST",
                "/v1/runs/" + run + "/prompt",
                "{\"text\":\"askas t2 edit b.txt; say two\",\"queue\":true}",
                202);
        awaitTurns(run, 4);
        assertEquals("failed", toolCallItem(run, "t2").get("status").asText());
        assertTrue(events(run).contains("event:ApprovalDelivered"));
        assertEquals(0, pendingApprovals(run).size());
        assertEquals(
                2,
                kaged.json("GET", "/v1/approvals?runId=" + run, null, 200)
                        .get("items")
                        .size());
        assertEquals(2, audits("approval.decided", "operator api"));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aRollbackStartsANewSessionAndSetsTheLaterConversationAside(TestEngine engine) throws Exception {
        start(engine);
        String run = agentRun(null, "say one", 0, "--load");
        awaitTurns(run, 1);
        String checkpoint = kaged.json("POST", "/v1/runs/" + run + "/checkpoints", "{\"label\":\"after one\"}", 201)
                .get("id")
                .asText();
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say two\"}", 202);
        awaitTurns(run, 2);
        // a turn running at the rollback: the old agent's end of it is not part of the new conversation
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say three; sleep 30000\"}", 202);
        Eventually.waitFor(TestDaemon.WAIT, "the third turn is under way", () -> shapes(items(run))
                .contains("agent_message:three"));
        kaged.json("POST", "/v1/runs/" + run + "/rollback", "{\"checkpointId\":\"" + checkpoint + "\"}", 200);
        awaitConnections(run, 2);
        JsonNode fresh = connections(run).get(1);
        assertEquals("new", fresh.get("how").asText(), fresh.toString());
        assertTrue(!fresh.get("sessionId").equals(connections(run).get(0).get("sessionId")), fresh.toString());
        List<String> kept = List.of("user_message:say one", "agent_message:one", "turn_end:end_turn");
        Eventually.waitFor(
                TestDaemon.WAIT, "the conversation after the checkpoint is set aside", () -> shapes(items(run))
                        .equals(kept));
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say four\",\"queue\":true}", 202);
        List<String> after = shapes(awaitTurns(run, 2));
        assertEquals(
                List.of(
                        "user_message:say one",
                        "agent_message:one",
                        "turn_end:end_turn",
                        "user_message:say four",
                        "agent_message:four",
                        "turn_end:end_turn"),
                after);
        assertTrue(events(run).contains("event:ConversationSetAside"));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aProfileOfTheProjectGivesTheCommandTheEnvAndThePolicy(TestEngine engine) throws Exception {
        start(engine);
        ObjectNode config = JSON.createObjectNode();
        ObjectNode acp = config.putObject("acp");
        acp.putArray("permissions").addObject().put("kind", "edit").put("decision", "reject");
        ObjectNode profile = acp.putObject("profiles").putObject("tester");
        profile.set("command", JSON.valueToTree(TestAgent.command()));
        profile.putObject("env").put("FROM_PROFILE", "1").put("BOTH", "profile");
        profile.putArray("permissions").addObject().put("kind", "edit").put("decision", "allow");
        kaged.json(
                "POST",
                "/v1/projects",
                JSON.createObjectNode().put("name", "p").set("config", config).toString(),
                201);

        ObjectNode body = JSON.createObjectNode().put("project", "p").put("cwd", work.toString());
        body.set("command", JSON.valueToTree(TestAgent.command()));
        body.putObject("env").put("BOTH", "request");
        body.putObject("acp").put("profile", "tester").put("prompt", "ask edit a.txt; say done");
        JsonNode run = kaged.json("POST", "/v1/runs", body.toString(), 201);
        String id = run.get("id").asText();
        assertEquals(TestAgent.command(), JSON.convertValue(run.get("command"), List.class));
        assertEquals(
                List.of("BOTH", "FROM_PROFILE"),
                JSON.convertValue(run.get("envKeys"), List.class).stream()
                        .sorted()
                        .toList());
        awaitTurns(id, 1);
        JsonNode approval = kaged.json("GET", "/v1/approvals?runId=" + id, null, 200)
                .get("items")
                .get(0);
        assertEquals(
                "policy acp.profiles.tester.permissions[0] (kind edit: allow)",
                approval.get("decidedBy").asText());

        body.with("acp").put("profile", "nobody");
        HttpResponse<String> unknown = kaged.call("POST", "/v1/runs", body.toString());
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(
                unknown.body().contains("has no agent profile 'nobody'; its config's acp.profiles has tester"),
                unknown.body());
        body.remove("project");
        assertEquals(400, kaged.call("POST", "/v1/runs", body.toString()).statusCode());
        kaged.json("POST", "/v1/runs/" + id + "/cancel", null, 200);
    }
}
