package io.kaged.actors.run.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.run.RunActor;
import io.kaged.persistence.serialization.PayloadCodec;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a stream of updates is cut into journal events: in order, none lost, and each event small enough that
 * the journal's serializer stores it as plain JSON (Pekko gzips a payload over 32 KiB, which costs more than
 * the rest of journaling a chunk), whatever the chunks' text.
 */
class AgentBatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GZIPPED_OVER = 32 * 1024;
    private static ActorSystem<Void> system;
    private static PayloadCodec codec;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "agent-batch");
        codec = new PayloadCodec(system.classicSystem());
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static JsonNode chunk(String text) {
        ObjectNode update = JSON.createObjectNode().put("sessionUpdate", "agent_message_chunk");
        update.putObject("content").put("type", "text").put("text", text);
        return update;
    }

    private static List<RunActor.AgentUpdates> cut(List<JsonNode> updates) {
        AgentBatch batch = new AgentBatch(null, () -> 1L);
        updates.forEach(batch::update);
        batch.cut();
        List<RunActor.AgentUpdates> events = new ArrayList<>();
        batch.events.forEach(e -> events.add((RunActor.AgentUpdates) e));
        return events;
    }

    @Test
    void aStreamOfChunksIsCutIntoEventsStoredUncompressedInOrder() throws Exception {
        // the last, a piece as the connection joins them (ChunkJoiner.MAX_CHARS) of characters that JSON escapes
        // in six bytes each: an event must be cut before such a piece, not after it
        for (String text : List.of(
                "chunk ",
                "é日本語 ",
                "\"quoted\\\" \n\t",
                "\u0001\u0002\u0003",
                "x".repeat(3_000),
                "\u0001".repeat(4_090))) {
            List<JsonNode> updates = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                updates.add(chunk(text + i));
            }
            List<RunActor.AgentUpdates> events = cut(updates);
            List<JsonNode> back = new ArrayList<>();
            for (RunActor.AgentUpdates e : events) {
                PayloadCodec.Encoded encoded = codec.encode(e);
                assertTrue(
                        encoded.bytes().length < GZIPPED_OVER && encoded.bytes()[0] == '{',
                        () -> "an event of " + e.updates().size() + " chunks of '" + text.substring(0, 3) + "…' is "
                                + encoded.bytes().length + " bytes, not plain JSON under 32 KiB");
                back.addAll(((RunActor.AgentUpdates) codec.decode(encoded)).updates());
            }
            // the pieces are joined, in order, into chunks of the same kind: the conversation reads the same text
            StringBuilder sent = new StringBuilder();
            updates.forEach(u -> sent.append(u.path("content").path("text").textValue()));
            StringBuilder kept = new StringBuilder();
            for (JsonNode u : back) {
                assertEquals("agent_message_chunk", u.path("sessionUpdate").asText(), u::toString);
                kept.append(u.path("content").path("text").textValue());
            }
            assertEquals(sent.toString(), kept.toString());
            assertTrue(back.size() <= events.size() + 1, back.size() + " chunks kept in " + events.size() + " events");
            if (text.length() < 20) {
                // short chunks still go by the hundred, not a row each
                assertTrue(events.size() < 3_000 / 100, events.size() + " events for 3,000 chunks of '" + text + "'");
            }
        }
    }

    @Test
    void anEventIsCutBeforeAJoinedPieceThatWouldTakeItPastTheCut() throws Exception {
        // short chunks up to just under the cut, then a piece as the connection joins them (ChunkJoiner.MAX_CHARS)
        // of characters JSON escapes in six bytes each
        List<JsonNode> updates = new ArrayList<>();
        for (int i = 0; i < 2_300; i++) {
            updates.add(chunk("chunk " + i));
        }
        updates.add(chunk("\u0001".repeat(4_090)));
        for (RunActor.AgentUpdates e : cut(updates)) {
            PayloadCodec.Encoded encoded = codec.encode(e);
            assertTrue(
                    encoded.bytes().length < GZIPPED_OVER && encoded.bytes()[0] == '{',
                    () -> "an event of " + encoded.bytes().length + " bytes, not plain JSON under 32 KiB");
        }
    }

    @Test
    void onlyChunksOfOneKindAndOneMessageAreJoined() {
        ObjectNode thought = (ObjectNode) chunk("thinking ");
        thought.put("sessionUpdate", "agent_thought_chunk");
        ObjectNode other = (ObjectNode) chunk("c ");
        other.put("messageId", "m2");
        JsonNode plan = JSON.createObjectNode().put("sessionUpdate", "plan");
        List<RunActor.AgentUpdates> events =
                cut(List.of(chunk("a "), chunk("b "), thought, thought, other, other, plan, chunk("d "), chunk("e ")));
        assertEquals(1, events.size());
        assertEquals(
                List.of(
                        "agent_message_chunk:a b :null",
                        "agent_thought_chunk:thinking thinking :null",
                        "agent_message_chunk:c c :m2",
                        "plan::null",
                        "agent_message_chunk:d e :null"),
                events.get(0).updates().stream()
                        .map(u -> u.path("sessionUpdate").asText() + ":"
                                + u.path("content").path("text").asText("") + ":"
                                + u.path("messageId").asText(null))
                        .toList());
    }

    @Test
    void aBatchStillHoldsAtMostMaxUpdates() {
        List<JsonNode> updates = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            updates.add(
                    JSON.createObjectNode().put("sessionUpdate", "usage_update").put("used", i));
        }
        List<RunActor.AgentUpdates> events = cut(updates);
        assertEquals(
                List.of(500, 500, 200),
                events.stream().map(e -> e.updates().size()).toList());
    }
}
