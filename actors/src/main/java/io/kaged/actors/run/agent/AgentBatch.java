package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.AgentMessage;
import io.kaged.actors.acp.ContentBlock;
import io.kaged.actors.acp.SessionUpdate;
import io.kaged.actors.acp.TextChunks;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What one actor message makes of the agent's messages: run events in their order, then what to send the agent
 * once they are journaled. Consecutive updates become one {@link RunActor.AgentUpdates}; anything else cuts the
 * batch, so every event keeps its place. Consecutive plain text chunks of one kind and one message become one
 * chunk with their texts joined (ADR-0078): an agent streams a reply in thousands of pieces, and
 * the conversation joins them anyway, so writing each piece's JSON frame again was most of a stream's journal.
 */
final class AgentBatch {

    /** Updates in one journal event at most: a row stays a row, not a turn's worth of a fast agent. */
    static final int MAX_UPDATES = 500;

    /**
     * About how many bytes of JSON one event of updates holds before it is cut. Pekko gzips a payload over 32
     * KiB, which cost the daemon more than the rest of journaling a chunk (0.6–3 µs an update on the build
     * machine, and as much again to read it back); kept under it, a stream of chunks is stored as plain JSON.
     */
    static final int MAX_BYTES = 24 * 1024;

    private static final ObjectMapper MAPPER = AcpJson.mapper();

    final List<Event> events = new ArrayList<>();
    final List<Runnable> after = new ArrayList<>();
    private final List<JsonNode> updates = new ArrayList<>();
    /** The text chunk being joined: its kind (null when none), its message and its text so far. */
    private String chunkKind;

    private String chunkMessageId;
    private final StringBuilder chunkText = new StringBuilder();
    private int bytes;
    private final EffectFactories<Event, RunState> effect;
    private final LongSupplier clock;

    AgentBatch(EffectFactories<Event, RunState> effect, LongSupplier clock) {
        this.effect = effect;
        this.clock = clock;
    }

    long now() {
        return clock.getAsLong();
    }

    /** An update as the agent's connection read it. */
    void update(AgentMessage.Update u) {
        if (u.update() instanceof SessionUpdate.Chunk c
                && c.content() instanceof ContentBlock.Text t
                && t.text() != null) {
            chunk(TextChunks.kind(c), c.messageId(), t.text());
        } else {
            append(MAPPER.valueToTree(u.update()));
        }
    }

    /** An update as the journal keeps it. */
    void update(JsonNode update) {
        TextChunks.Read plain = TextChunks.read(update);
        if (plain != null) {
            update(new AgentMessage.Update(null, plain.chunk()));
        } else {
            append(update);
        }
    }

    private void append(JsonNode update) {
        endChunk();
        updates.add(update);
        bytes += UpdateSize.of(update);
        if (updates.size() >= MAX_UPDATES || bytes >= MAX_BYTES) {
            cut();
        }
    }

    private void chunk(String kind, String messageId, String text) {
        int size = UpdateSize.utf8Escaped(text);
        if (bytes > 0 && bytes + size > MAX_BYTES) {
            cut(); // a piece the connection joined holds up to thousands of characters: cut before it, not after
        } else if (chunkKind != null && !(chunkKind.equals(kind) && Objects.equals(chunkMessageId, messageId))) {
            endChunk();
        }
        if (chunkKind == null) {
            chunkKind = kind;
            chunkMessageId = messageId;
            bytes += UpdateSize.CHUNK_FRAME + (messageId == null ? 0 : UpdateSize.utf8Escaped(messageId));
        }
        chunkText.append(text);
        bytes += size;
        if (bytes >= MAX_BYTES) {
            cut();
        }
    }

    /** The text chunk being joined becomes one update. */
    private void endChunk() {
        if (chunkKind != null) {
            updates.add(TextChunks.written(chunkKind, chunkText.toString(), chunkMessageId));
            chunkKind = null;
            chunkMessageId = null;
            chunkText.setLength(0);
            if (updates.size() >= MAX_UPDATES) {
                cut();
            }
        }
    }

    void add(Event event) {
        cut();
        events.add(event);
    }

    /** Updates so far become one event, so what follows is journaled after them. */
    void cut() {
        endChunk();
        if (!updates.isEmpty()) {
            events.add(new RunActor.AgentUpdates(List.copyOf(updates), now()));
            updates.clear();
            bytes = 0;
        }
    }

    ReplyEffect<Event, RunState> persist() {
        cut();
        if (events.isEmpty()) {
            after.forEach(Runnable::run);
            return effect.noReply();
        }
        return effect.persist(events)
                .thenRun(st -> after.forEach(Runnable::run))
                .thenNoReply();
    }

    ReplyEffect<Event, RunState> persistThenReply(ActorRef<StatusReply<String>> replyTo, String answer) {
        cut();
        return effect.persist(events)
                .thenRun(st -> after.forEach(Runnable::run))
                .thenReply(replyTo, st -> StatusReply.success(answer));
    }
}
