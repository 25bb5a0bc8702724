package io.kaged.actors.run.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.PermissionQuestion;
import io.kaged.actors.acp.PolicyDecision;
import io.kaged.actors.acp.RequestId;
import io.kaged.actors.run.AcpSpec;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunState;
import io.kaged.persistence.serialization.PayloadCodec;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fold of an ACP run's agent events into {@link AgentState}, and the new events and a state holding every
 * part of it written and read back by the journal's serializer (a snapshot of an ACP run must recover).
 */
class AgentStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ActorSystem<Void> system;
    private static PayloadCodec codec;

    private final RunSpec spec = new RunSpec(
            List.of("agent"),
            "/work",
            Map.of(),
            null,
            null,
            null,
            "p",
            null,
            0,
            null,
            new AcpSpec("first", null),
            null,
            null,
            null);

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "agent-state");
        codec = new PayloadCodec(system.classicSystem());
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static JsonNode toolCall(String id, String kind, String command) {
        ObjectNode call =
                JSON.createObjectNode().put("toolCallId", id).put("title", kind).put("kind", kind);
        if (command != null) {
            call.putObject("rawInput").put("command", command);
        }
        return call;
    }

    private static List<JsonNode> options() {
        return List.of(
                JSON.createObjectNode().put("optionId", "ok").put("name", "ok").put("kind", "allow_once"),
                JSON.createObjectNode()
                        .put("optionId", "always")
                        .put("name", "always")
                        .put("kind", "allow_always"));
    }

    @Test
    void foldsPromptsTurnsAndApprovals() {
        AgentState s = AgentState.initial(spec);
        assertEquals(List.of("first"), s.queued());
        assertNull(AgentState.initial(new RunSpec(List.of("x"), null, null, null, null, null, null, null, 0)));

        s = s.apply(new RunActor.AgentConnected(1, "sess", "new", null, null, false, null, null, 1L), spec);
        s = s.apply(new RunActor.PromptSent("first", true, 1, 2L), spec);
        assertEquals(List.of(), s.queued());
        assertTrue(s.turnRunning(1));
        assertFalse(s.turnRunning(2));
        s = s.apply(new RunActor.PromptQueued("second", 3L), spec);
        s = s.apply(new RunActor.TurnEnded("end_turn", null, 4L), spec);
        assertFalse(s.turnRunning(1));
        assertEquals(List.of("second"), s.queued());

        s = s.apply(
                new RunActor.ApprovalRequested(
                        "a1",
                        JSON.getNodeFactory().textNode("r1"),
                        1,
                        toolCall("c1", "execute", "npm test"),
                        options(),
                        5L),
                spec);
        assertEquals("c1", s.pending().get("a1").toolCallId());
        PermissionQuestion npmTest = AgentState.question(toolCall("c9", "execute", "npm test"), spec);
        assertTrue(s.standing().decide(npmTest).isEmpty());
        s = s.apply(
                new RunActor.ApprovalDecided("a1", "selected", "always", "allow_always", "operator api", true, 6L),
                spec);
        assertTrue(s.pending().isEmpty());
        assertEquals(
                PolicyDecision.Decision.ALLOW,
                s.standing().decide(npmTest).orElseThrow().decision());
        assertTrue(s.standing()
                .decide(AgentState.question(toolCall("c9", "execute", "rm -rf /"), spec))
                .isEmpty());
        assertEquals("always", s.unheard().get("c1").optionId());
        s = s.apply(new RunActor.ApprovalDelivered("a1", 7L), spec);
        assertTrue(s.unheard().isEmpty());

        // A once-answer stands for nothing; a reject_always stands as a rejection of that command alone.
        PermissionQuestion make = AgentState.question(toolCall("c9", "execute", "make"), spec);
        PermissionQuestion push = AgentState.question(toolCall("c9", "execute", "git push"), spec);
        s = askedAndAnswered(s, "a2", "make", "allow_once");
        assertTrue(s.pending().isEmpty());
        assertTrue(s.standing().decide(make).isEmpty());
        s = askedAndAnswered(s, "a3", "git push", "reject_always");
        assertEquals(
                PolicyDecision.Decision.REJECT,
                s.standing().decide(push).orElseThrow().decision());
        assertTrue(s.standing().decide(make).isEmpty());
    }

    /** {@code s} after an operator answered {@code kind} to request {@code id} for the command {@code command}. */
    private AgentState askedAndAnswered(AgentState s, String id, String command, String kind) {
        AgentState asked = s.apply(
                new RunActor.ApprovalRequested(
                        id,
                        JSON.getNodeFactory().textNode("r-" + id),
                        1,
                        toolCall("c-" + id, "execute", command),
                        options(),
                        8L),
                spec);
        return asked.apply(new RunActor.ApprovalDecided(id, "selected", kind, kind, "operator api", false, 9L), spec);
    }

    @Test
    void eventsAndAStateWithEveryPartReadBackEqual() throws Exception {
        AgentState s = AgentState.initial(spec)
                .apply(new RunActor.AgentConnected(1, "sess", "new", null, null, true, null, null, 1L), spec)
                .apply(new RunActor.PromptQueued("later", 2L), spec)
                .apply(
                        new RunActor.ApprovalRequested(
                                "a1",
                                JSON.getNodeFactory().textNode("r1"),
                                1,
                                toolCall("c1", "edit", null),
                                options(),
                                3L),
                        spec)
                .apply(
                        new RunActor.ApprovalRequested(
                                "a2",
                                JSON.getNodeFactory().textNode("r2"),
                                1,
                                toolCall("c2", "execute", "make"),
                                options(),
                                4L),
                        spec)
                .apply(
                        new RunActor.ApprovalDecided(
                                "a2", "selected", "always", "allow_always", "operator x", true, 5L),
                        spec);
        RunState.Run run = new RunState.Run("r1", spec, 1L, 1, 3, 0, s);
        List<Object> values = List.of(
                new RunState.Running(run, 42L, 1L),
                new RunState.Paused(run, 42L, 1L),
                new RunActor.AgentConnected(
                        1,
                        "sess",
                        "load",
                        JSON.createObjectNode().put("name", "a"),
                        JSON.createArrayNode(),
                        true,
                        "n",
                        3,
                        1L),
                new RunActor.AgentUpdates(List.of(JSON.createObjectNode().put("sessionUpdate", "plan")), 2L),
                new RunActor.TurnEnded(null, "gone", 3L),
                new RunActor.ApprovalReasked("a1", JSON.getNodeFactory().textNode("r9"), 2, 4L),
                new RunActor.FileRefused("fs/write_text_file", "../x", "outside_workspace", true, "outside", 5L),
                new RunActor.AgentFault("malformed_line", "not JSON", "{", 6L));
        for (Object value : values) {
            assertEquals(
                    value, codec.decode(codec.encode(value)), value.getClass().getSimpleName());
        }
        // a numeric JSON-RPC id may come back as another number node, but names the same request
        RunActor.ApprovalRequested numeric = new RunActor.ApprovalRequested(
                "a3", RequestId.of(7L).value(), 1, toolCall("c3", "edit", null), options(), 6L);
        RunActor.ApprovalRequested read = (RunActor.ApprovalRequested) codec.decode(codec.encode(numeric));
        assertEquals(RequestId.of(7L), RequestId.of(read.requestId()));
    }
}
