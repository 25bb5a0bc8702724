package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the reader hands the run of a burst of chunks: the same text, in order, in few pieces. */
class ChunkJoinerTest {

    private final List<AgentMessage> delivered = new ArrayList<>();
    private final ChunkJoiner joiner = new ChunkJoiner(delivered::add);

    private static AgentMessage.Update chunk(String session, String kind, String messageId, String text) {
        ContentBlock.Text block = new ContentBlock.Text(text);
        SessionUpdate update =
                switch (kind) {
                    case "thought" -> new SessionUpdate.AgentThoughtChunk(block, messageId);
                    default -> new SessionUpdate.AgentMessageChunk(block, messageId);
                };
        return new AgentMessage.Update(session, update);
    }

    private static String describe(AgentMessage m) {
        AgentMessage.Update u = (AgentMessage.Update) m;
        SessionUpdate.Chunk c = (SessionUpdate.Chunk) u.update();
        return u.sessionId() + ":" + TextChunks.kind(c) + ":" + c.messageId() + ":"
                + ((ContentBlock.Text) c.content()).text() + ":" + u.lines();
    }

    @Test
    void consecutiveChunksOfOneMessageBecomeOnePieceCountingTheirLines() {
        joiner.add(chunk("s", "message", null, "a "));
        joiner.add(chunk("s", "message", null, "b "));
        joiner.add(chunk("s", "message", null, "c "));
        assertEquals(List.of(), delivered, "nothing goes before the reader flushes");
        joiner.flush();
        assertEquals(
                List.of("s:agent_message_chunk:null:a b c :3"),
                delivered.stream().map(ChunkJoinerTest::describe).toList());
    }

    @Test
    void anotherKindMessageOrSessionStartsAnotherPiece() {
        joiner.add(chunk("s", "message", null, "a "));
        joiner.add(chunk("s", "thought", null, "t1 "));
        joiner.add(chunk("s", "thought", null, "t2 "));
        joiner.add(chunk("s", "message", "m2", "b "));
        joiner.add(chunk("other", "message", "m2", "c "));
        joiner.add(chunk("other", "message", "m2", "d "));
        joiner.flush();
        assertEquals(
                List.of(
                        "s:agent_message_chunk:null:a :1",
                        "s:agent_thought_chunk:null:t1 t2 :2",
                        "s:agent_message_chunk:m2:b :1",
                        "other:agent_message_chunk:m2:c d :2"),
                delivered.stream().map(ChunkJoinerTest::describe).toList());
    }

    @Test
    void aLoneChunkGoesOnAsItCameAndAFlushWithNothingPendingSendsNothing() {
        AgentMessage.Update alone = chunk("s", "message", "m", "only");
        joiner.flush();
        joiner.add(alone);
        joiner.flush();
        joiner.flush();
        assertEquals(1, delivered.size());
        assertSame(alone.update(), ((AgentMessage.Update) delivered.get(0)).update());
    }

    @Test
    void aPieceIsCutAtItsBoundsAndNoTextIsLostOrReordered() {
        StringBuilder sent = new StringBuilder();
        int lines = 3 * ChunkJoiner.MAX_LINES;
        for (int i = 0; i < lines; i++) {
            String text = (i % 7 == 0 ? "x".repeat(300) : "") + i + " ";
            sent.append(text);
            joiner.add(chunk("s", "message", null, text));
        }
        joiner.flush();
        StringBuilder got = new StringBuilder();
        int counted = 0;
        for (AgentMessage m : delivered) {
            AgentMessage.Update u = (AgentMessage.Update) m;
            String text = ((ContentBlock.Text) ((SessionUpdate.Chunk) u.update()).content()).text();
            assertTrue(u.lines() <= ChunkJoiner.MAX_LINES, describe(m));
            assertTrue(text.length() < ChunkJoiner.MAX_CHARS + 310, text.length() + " characters in one piece");
            got.append(text);
            counted += u.lines();
        }
        assertEquals(sent.toString(), got.toString());
        assertEquals(lines, counted);
        assertTrue(delivered.size() > 3, delivered.size() + " pieces");
    }
}
