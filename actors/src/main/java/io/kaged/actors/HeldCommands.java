package io.kaged.actors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A supervisor's commands for children that are stopping (passivated, purged): while an id is held, what
 * arrives for it waits here in order; released, it goes to the actor that stayed or to a fresh one. No
 * command then reaches an actor on its way out, nor races a purge's deletion. Used from the supervisor's
 * own thread only.
 *
 * @param <C> the children's command type
 */
public final class HeldCommands<C> {

    private final Map<String, List<C>> held = new HashMap<>();

    public boolean isHolding(String id) {
        return held.containsKey(id);
    }

    /** From now on, commands for {@code id} wait; holding an id twice changes nothing. */
    public void hold(String id) {
        held.putIfAbsent(id, new ArrayList<>());
    }

    /** Holds {@code command} if {@code id} is held, else tells it to {@code to}'s actor. */
    public void deliver(String id, C command, Supplier<ActorRef<C>> to) {
        List<C> waiting = held.get(id);
        if (waiting != null) {
            waiting.add(command);
        } else {
            to.get().tell(command);
        }
    }

    /** Stops holding {@code id}; what waited, in arrival order (empty if nothing did). */
    public List<C> release(String id) {
        List<C> waiting = held.remove(id);
        return waiting == null ? List.of() : waiting;
    }

    /**
     * Stops holding {@code id} and tells what waited to {@code to}'s actor, asked for only if something
     * waited: a fresh actor is not started for nothing.
     */
    public void releaseTo(String id, Supplier<ActorRef<C>> to) {
        List<C> waiting = release(id);
        if (!waiting.isEmpty()) {
            ActorRef<C> ref = to.get();
            waiting.forEach(ref::tell);
        }
    }
}
