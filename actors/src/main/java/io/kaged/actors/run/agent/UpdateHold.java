package io.kaged.actors.run.agent;

import io.kaged.actors.acp.AgentMessage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for an agent's stream of updates. The run actor used to journal whatever had arrived as soon as
 * it was told, so a fast agent's chunks went a dozen to a transaction, and the journal's cost per transaction
 * (the actor's persist cycle, the write lane, the commit) was paid a dozen times more often than the chunks
 * needed: most of the daemon's CPU per chunk. Now a few updates alone are held back for {@link #HOLD}, while
 * more arrive, and go in one event; anything else the agent sends (a permission request, a file request, a
 * fault, its end) is taken at once, and takes the held updates with it, in order.
 *
 * <p>The reader thread counts what it queues ({@link #queuing}, {@link #wakes}); the actor decides
 * ({@link #hold}) and counts what it takes ({@link #took}).
 */
final class UpdateHold {

    /** Updates enough for one event without waiting for more. */
    static final int ENOUGH = 128;

    /** How long a few updates may wait for more; the scheduler rounds it up to its tick (10 ms by default). */
    static final Duration HOLD = Duration.ofMillis(2);

    /** Messages queued that are not updates, and not yet taken: they must not wait. */
    private final AtomicInteger urgent = new AtomicInteger();
    /** Whether the actor holds updates and waits for its timer; the next urgent message wakes it instead. */
    private final AtomicBoolean holding = new AtomicBoolean();

    /** On the reader thread, before {@code message} is queued. */
    void queuing(AgentMessage message) {
        if (!(message instanceof AgentMessage.Update)) {
            urgent.incrementAndGet();
        }
    }

    /** On the reader thread, after {@code message} is queued: whether to tell the actor now, as it holds. */
    boolean wakes(AgentMessage message) {
        return !(message instanceof AgentMessage.Update) && holding.compareAndSet(true, false);
    }

    /**
     * On the actor, told that {@code waiting} messages are queued: true to leave them for the timer. Never when
     * one of them must not wait, nor when they are enough already.
     */
    boolean hold(long waiting) {
        if (waiting <= 0 || waiting >= ENOUGH || urgent.get() > 0) {
            holding.set(false);
            return false;
        }
        holding.set(true);
        // an urgent message queued while deciding has seen no holding to wake: take it now
        return !(urgent.get() > 0 && holding.compareAndSet(true, false));
    }

    /** On the actor, for each message it takes from the queue. */
    void took(AgentMessage message) {
        if (!(message instanceof AgentMessage.Update)) {
            urgent.decrementAndGet();
        }
    }

    /** On the actor, when it drains: whatever it held goes now. */
    void released() {
        holding.set(false);
    }
}
