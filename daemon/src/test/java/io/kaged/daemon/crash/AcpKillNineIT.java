package io.kaged.daemon.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.agent.TestAgent;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of a real {@code kaged serve} (the built jar, as {@link KillNineIT} starts it) in the middle of
 * two ACP runs' second turns, each with a permission request waiting for the operator, on each engine. One run's
 * agent ({@link TestAgent}, a real separate process) advertises {@code loadSession}, the other does not. After the
 * daemon is started again: the conversation is as it was with only the interrupted turn's end added (the
 * load's replay is not journaled a second time), the agent went back to its session through {@code session/load}
 * (or, without it, to a new session the run says it could not resume), the approval is still pending and takes
 * the operator's answer, the loaded agent gets that answer when it asks again for the same tool call, and a new
 * prompt continues the conversation. The old agents do not outlive the killed daemon.
 */
class AcpKillNineIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path work;

    private Api api;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theConversationAndItsApprovalSurviveKillNineOfTheDaemon(TestEngine engine) throws Exception {
        String mark = UUID.randomUUID().toString();
        // the agents' folders are outside the kaged home: a sandbox refuses a cwd inside it
        Path home = Files.createDirectories(work.resolve("home"));
        String url = engine == TestEngine.SQLITE ? null : TestDatabases.newPostgresUrl();
        StoreRows store =
                engine == TestEngine.SQLITE ? StoreRows.sqlite(home.resolve("kaged.db")) : StoreRows.postgres(url);
        try (KagedServe serve = new KagedServe("acp-kill-9-" + engine.name().toLowerCase(), home, url)) {
            serve.start();
            api = new Api(
                    serve.port(), Files.readString(home.resolve("auth-token")).trim());
            CrashChecks checks = new CrashChecks(api, mark);
            String loading = agentRun(mark, "loading", "say one", "--load");
            String plain = agentRun(mark, "plain", "say one");
            awaitTurns(loading, 1);
            awaitTurns(plain, 1);
            prompt(loading, "say two; stream 50; askas t1 edit a.txt; say granted", false);
            prompt(plain, "say two; stream 50; askas t2 edit b.txt; say granted", false);
            String loadingApproval = awaitPending(loading);
            String plainApproval = awaitPending(plain);
            List<JsonNode> loadingBefore = items(loading);
            List<JsonNode> plainBefore = items(plain);
            assertEquals(
                    List.of(
                            "user_message:say one",
                            "agent_message:one",
                            "turn_end:end_turn",
                            "user_message:say two; stream 50; askas t1 edit a.txt; say granted",
                            "agent_message:two" + chunks(50),
                            "tool_call:edit:pending"),
                    shapes(loadingBefore));
            Set<Long> oldAgents = agentPids(mark);
            assertTrue(!oldAgents.isEmpty(), "no agent process carries the test's mark");
            Map<String, StoreRows.Event> committed = store.journal();

            serve.kill9();
            serve.start();

            checks.eventsKept(committed, store.journal(), "after kill -9");
            awaitConnections(loading, 2);
            awaitConnections(plain, 2);
            List<JsonNode> loadingSessions = connections(loading);
            JsonNode loaded = loadingSessions.get(1);
            assertEquals("load", loaded.get("how").asText(), loaded.toString());
            assertEquals(loadingSessions.get(0).get("sessionId"), loaded.get("sessionId"), loaded.toString());
            // the replay: both prompts, their replies and the tool call, none of them journaled again
            assertTrue(loaded.get("replayed").asInt() >= 50, loaded.toString());
            JsonNode fresh = connections(plain).get(1);
            assertEquals("new", fresh.get("how").asText(), fresh.toString());
            assertNotEquals(connections(plain).get(0).get("sessionId"), fresh.get("sessionId"), fresh.toString());
            assertTrue(fresh.get("note").asText().contains("does not remember the conversation"), fresh.toString());

            for (var run : Map.of(loading, loadingBefore, plain, plainBefore).entrySet()) {
                List<JsonNode> after = awaitItems(run.getKey(), run.getValue().size() + 1);
                assertEquals(run.getValue(), after.subList(0, run.getValue().size()), "the conversation is kept whole");
                assertEquals(
                        "turn_end:error",
                        shapes(after).get(run.getValue().size()),
                        "the interrupted turn ends with an error: " + after);
                assertEquals(run.getValue().size() + 1, after.size(), "nothing was added twice: " + after);
            }
            Eventually.waitFor(WAIT, "the killed daemon's agents are gone", () -> agentPids(mark).stream()
                    .noneMatch(oldAgents::contains));

            // the approvals waited through the crash and take the operator's answer
            assertEquals(List.of(loadingApproval), pending(loading));
            assertEquals(List.of(plainApproval), pending(plain));
            decide(loadingApproval, "allow_once");
            decide(plainApproval, "reject_once");

            // the loaded agent asks again for t1 and gets the answer given while it was gone; both go on
            prompt(loading, "askas t1 edit a.txt; say three", true);
            prompt(plain, "say three", true);
            List<String> loadingShapes = shapes(awaitTurns(loading, 3));
            assertEquals(
                    List.of(
                            "user_message:say one",
                            "agent_message:one",
                            "turn_end:end_turn",
                            "user_message:say two; stream 50; askas t1 edit a.txt; say granted",
                            "agent_message:two" + chunks(50),
                            "tool_call:edit:completed",
                            "turn_end:error",
                            "user_message:askas t1 edit a.txt; say three",
                            "agent_message:three",
                            "turn_end:end_turn"),
                    loadingShapes);
            assertTrue(events(loading).contains("ApprovalDelivered"), "the answer reached the loaded agent");
            assertEquals(List.of(), pending(loading));
            List<String> plainShapes = shapes(awaitTurns(plain, 3));
            assertEquals(
                    List.of("turn_end:error", "user_message:say three", "agent_message:three", "turn_end:end_turn"),
                    plainShapes.subList(6, plainShapes.size()));

            for (String run : List.of(loading, plain)) {
                api.send("POST", "/v1/runs/" + run + "/cancel", null);
                Eventually.waitFor(
                        WAIT,
                        "run " + run + " cancelled",
                        () -> api.get("/v1/runs/" + run).get("state").asText().equals("cancelled"));
            }
            checks.noLeftovers("after the runs were cancelled");
            checks.assertNone();
        } finally {
            ProcTable.killAll(mark);
        }
    }

    private String agentRun(String mark, String folder, String prompt, String... flags) throws Exception {
        Path cwd = Files.createDirectories(work.resolve("agents").resolve(folder));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", TestAgent.command(flags));
        body.put("cwd", cwd.toString());
        body.put("env", Map.of(ProcTable.ENV, mark));
        // the daemon's death is an interruption, retried like a failure: the retry is the resumed attempt
        body.put("retries", 3);
        body.put("acp", Map.of("prompt", prompt));
        HttpResponse<String> r = api.send("POST", "/v1/runs", body);
        assertEquals(201, r.statusCode(), r.body());
        return Api.JSON.readTree(r.body()).get("id").asText();
    }

    private void prompt(String run, String text, boolean queue) throws Exception {
        HttpResponse<String> r = api.send("POST", "/v1/runs/" + run + "/prompt", Map.of("text", text, "queue", queue));
        assertEquals(202, r.statusCode(), r.body());
    }

    private void decide(String approval, String option) throws Exception {
        HttpResponse<String> r = api.send("POST", "/v1/approvals/" + approval, Map.of("optionId", option));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode decided = Api.JSON.readTree(r.body());
        assertEquals(option, decided.get("decision").asText(), r.body());
        assertEquals("operator api", decided.get("decidedBy").asText(), r.body());
    }

    private List<JsonNode> items(String run) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        api.get("/v1/runs/" + run + "/conversation?limit=1000").get("items").forEach(items::add);
        return items;
    }

    private List<JsonNode> awaitItems(String run, int count) throws Exception {
        Eventually.waitFor(
                WAIT,
                "run " + run + " has " + count + " items",
                () -> items(run).size() >= count);
        return items(run);
    }

    private List<JsonNode> awaitTurns(String run, int turns) throws Exception {
        Eventually.waitFor(
                WAIT,
                "run " + run + " has " + turns + " ended turns",
                () -> shapes(items(run)).stream()
                                .filter(s -> s.startsWith("turn_end:"))
                                .count()
                        >= turns);
        return items(run);
    }

    private List<String> pending(String run) throws Exception {
        List<String> ids = new ArrayList<>();
        api.get("/v1/approvals?state=pending&runId=" + run)
                .get("items")
                .forEach(a -> ids.add(a.get("id").asText()));
        return ids;
    }

    private String awaitPending(String run) throws Exception {
        Eventually.waitFor(
                WAIT, "a pending approval of run " + run, () -> pending(run).size() == 1);
        return pending(run).get(0);
    }

    private String events(String run) throws Exception {
        return api.events(run).stream().map(Api.RunEvent::type).collect(Collectors.joining(","));
    }

    /** Each AgentConnected of the run: the session the agent was given and how it was opened. */
    private List<JsonNode> connections(String run) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (Api.RunEvent e : api.events(run)) {
            if (e.type().equals("AgentConnected")) {
                found.add(Api.JSON.readTree(e.data()));
            }
        }
        return found;
    }

    private void awaitConnections(String run, int count) throws Exception {
        Eventually.waitFor(
                WAIT, count + " sessions of run " + run, () -> connections(run).size() >= count);
    }

    private static Set<Long> agentPids(String mark) {
        return ProcTable.of(mark).stream().map(ProcTable.Proc::pid).collect(Collectors.toSet());
    }

    private static String chunks(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("chunk ").append(i).append(' ');
        }
        return text.toString();
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
                        default -> type;
                    });
        }
        return out;
    }
}
