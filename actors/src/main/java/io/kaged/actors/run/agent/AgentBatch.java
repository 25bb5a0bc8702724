package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What one actor message makes of the agent's messages: run events in their order, then what to send the agent
 * once they are journaled. Consecutive updates become one {@link RunActor.AgentUpdates}; anything else cuts the
 * batch, so every event keeps its place.
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

    final List<Event> events = new ArrayList<>();
    final List<Runnable> after = new ArrayList<>();
    private final List<JsonNode> updates = new ArrayList<>();
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

    void update(JsonNode update) {
        updates.add(update);
        bytes += UpdateSize.of(update);
        if (updates.size() >= MAX_UPDATES || bytes >= MAX_BYTES) {
            cut();
        }
    }

    void add(Event event) {
        cut();
        events.add(event);
    }

    /** Updates so far become one event, so what follows is journaled after them. */
    void cut() {
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
