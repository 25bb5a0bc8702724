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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The checkpoint an ACP run takes before each turn when its project's config says {@code acp.checkpointBeforeTurn},
 * through the public API of a real daemon on both engines: listed as {@code before turn N} with reason {@code
 * turn}, holding the workspace as it was before the turn; a rollback to it puts the files back, sets the turn
 * aside, and the agent waits for the next prompt.
 */
class TurnCheckpointApiTest extends AgentDaemonBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private List<String> shapes(String run) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode i : kaged.json("GET", "/v1/runs/" + run + "/conversation?limit=1000", null, 200)
                .get("items")) {
            String type = i.get("type").asText();
            out.add(type + ":"
                    + (type.equals("turn_end")
                            ? i.path("stopReason").asText()
                            : i.path("text").asText()));
        }
        return out;
    }

    private void awaitTurns(String run, int turns) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT,
                "run " + run + " has " + turns + " ended turns",
                () -> shapes(run).stream()
                                .filter(s -> s.startsWith("turn_end:"))
                                .count()
                        >= turns);
    }

    private List<JsonNode> checkpoints(String run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        kaged.json("GET", "/v1/runs/" + run + "/checkpoints", null, 200)
                .get("items")
                .forEach(out::add);
        return out;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aCheckpointBeforeEachTurnHoldsTheFilesAndARollbackToItUndoesTheTurn(TestEngine engine) throws Exception {
        start(engine);
        kaged.json(
                "POST", "/v1/projects", "{\"name\":\"p\",\"config\":{\"acp\":{\"checkpointBeforeTurn\":true}}}", 201);
        String run = agentRun("p", "write notes.txt one; say one");
        awaitTurns(run, 1);
        kaged.json(
                "POST",
                "/v1/runs/" + run + "/prompt",
                "{\"text\":\"write notes.txt two; write extra.txt x; say two\"}",
                202);
        awaitTurns(run, 2);
        assertEquals("two", Files.readString(work.resolve("notes.txt")));
        assertTrue(Files.exists(work.resolve("extra.txt")));

        List<JsonNode> taken = checkpoints(run);
        assertEquals(2, taken.size(), taken.toString());
        assertEquals("before turn 1", taken.get(0).get("label").asText());
        assertEquals("before turn 2", taken.get(1).get("label").asText());
        assertEquals("turn", taken.get(1).get("reason").asText());
        String before2 = taken.get(1).get("id").asText();
        JsonNode diff = kaged.json("GET", "/v1/runs/" + run + "/checkpoints/" + before2 + "/diff", null, 200);
        assertTrue(diff.toString().contains("extra.txt"), "the files changed since before turn 2: " + diff);

        kaged.json("POST", "/v1/runs/" + run + "/rollback", "{\"checkpointId\":\"" + before2 + "\"}", 200);
        Eventually.waitFor(
                TestDaemon.WAIT,
                "the workspace as it was before turn 2",
                () -> Files.notExists(work.resolve("extra.txt"))
                        && "one".equals(Files.readString(work.resolve("notes.txt"))));
        List<String> kept = List.of(
                "user_message:write notes.txt one; say one", "agent_message:wrote notes.txtone", "turn_end:end_turn");
        Eventually.waitFor(
                TestDaemon.WAIT, "the second turn set aside", () -> shapes(run).equals(kept));

        // the turn is not re-done: the agent waits for the next prompt, with a checkpoint before it again
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say three\",\"queue\":true}", 202);
        awaitTurns(run, 2);
        List<String> after = new ArrayList<>(kept);
        after.addAll(List.of("user_message:say three", "agent_message:three", "turn_end:end_turn"));
        assertEquals(after, shapes(run));
        assertEquals("one", Files.readString(work.resolve("notes.txt")));
        // turns are counted over the run's whole history, the set-aside one included, so labels do not repeat
        List<JsonNode> again = checkpoints(run);
        assertEquals("before turn 3", again.get(again.size() - 1).get("label").asText(), again.toString());
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aProjectThatDoesNotAskGetsNoCheckpoints(TestEngine engine) throws Exception {
        start(engine);
        kaged.json("POST", "/v1/projects", "{\"name\":\"q\",\"config\":{\"acp\":{}}}", 201);
        String run = agentRun("q", "say one");
        awaitTurns(run, 1);
        kaged.json("POST", "/v1/runs/" + run + "/prompt", "{\"text\":\"say two\"}", 202);
        awaitTurns(run, 2);
        assertEquals(List.of(), checkpoints(run));
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }
}
