package io.kaged.actors.acp;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Joins, on the connection's reader thread, the consecutive text chunks of one message that one read of the agent's
 * output brought, so that a streamed reply reaches the run actor as a few joined pieces rather than a message for
 * every line: each message handed over costs a queue node, a count against the run's bound, a place in the actor's
 * batch and the garbage of its records (ADR-0082). Nothing waits here for more: the reader calls {@link #flush}
 * before each read that may block, and before any line that is not such a chunk, so every message keeps its place
 * and a chunk reaches the run as soon as the reader has read what came with it.
 *
 * <p>Only chunks the run joins anyway are joined (same session, kind and message; ADR-0078), so the conversation
 * and the journal hold what they held.
 */
final class ChunkJoiner {

    /** Characters of text in one joined piece at most: a piece stays well inside a journal event's cut. */
    static final int MAX_CHARS = 4096;

    /** Lines in one joined piece at most: the piece counts as that many against the run's bound of waiting lines. */
    static final int MAX_LINES = 512;

    private final Consumer<AgentMessage> deliver;
    private final StringBuilder text = new StringBuilder();
    private String sessionId;
    /** The pending piece's first chunk (its kind and message), null when nothing is pending. */
    private SessionUpdate.Chunk first;

    private int lines;

    ChunkJoiner(Consumer<AgentMessage> deliver) {
        this.deliver = deliver;
    }

    /** A plain text chunk as {@link TextChunks#readLine} read it. */
    void add(AgentMessage.Update update) {
        SessionUpdate.Chunk chunk = (SessionUpdate.Chunk) update.update();
        String piece = ((ContentBlock.Text) chunk.content()).text();
        if (first != null && !joins(update.sessionId(), chunk)) {
            flush();
        }
        if (first == null) {
            first = chunk;
            sessionId = update.sessionId();
        }
        text.append(piece);
        lines++;
        if (text.length() >= MAX_CHARS || lines >= MAX_LINES) {
            flush();
        }
    }

    /** Hands the pending piece on, if there is one. */
    void flush() {
        if (first == null) {
            return;
        }
        AgentMessage.Update joined = lines == 1
                ? new AgentMessage.Update(sessionId, first)
                : new AgentMessage.Update(sessionId, TextChunks.withText(first, text.toString()), lines);
        first = null;
        sessionId = null;
        text.setLength(0);
        lines = 0;
        deliver.accept(joined);
    }

    private boolean joins(String session, SessionUpdate.Chunk chunk) {
        return session.equals(sessionId)
                && chunk.getClass() == first.getClass()
                && Objects.equals(chunk.messageId(), first.messageId());
    }
}
