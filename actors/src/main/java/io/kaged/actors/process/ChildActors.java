package io.kaged.actors.process;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A supervisor's children, one per run or session id, named {@code <kind>-<id>}: found by name, spawned
 * on first use (which recovers the actor from its journal), restarted with backoff when they fail.
 *
 * @param <C> the children's command type
 */
public final class ChildActors<C> {

    private final ActorContext<?> context;
    private final String kind;
    private final Function<String, Behavior<C>> behavior;

    /**
     * @param kind "run" or "session": the children's name prefix and the word in log lines
     * @param behavior the child's behaviour for an id
     */
    public ChildActors(ActorContext<?> context, String kind, Function<String, Behavior<C>> behavior) {
        this.context = context;
        this.kind = kind;
        this.behavior = behavior;
    }

    @SuppressWarnings("unchecked")
    public Optional<ActorRef<C>> existing(String id) {
        return context.getChild(kind + "-" + id).map(ref -> (ActorRef<C>) (ActorRef<?>) ref);
    }

    /** The child of {@code id}, spawned if it has none. */
    public ActorRef<C> get(String id) {
        return existing(id)
                .orElseGet(() -> context.spawn(
                        Behaviors.supervise(behavior.apply(id))
                                .onFailure(SupervisorStrategy.restartWithBackoff(
                                        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                        kind + "-" + id));
    }

    /** Spawns the children of {@code ids} (live when the daemon last stopped): each recovers on its own. */
    public void recover(List<String> ids) {
        ids.forEach(this::get);
        if (!ids.isEmpty()) {
            context.getLog().info("Recovering {} {}(s) that were live when the daemon stopped", ids.size(), kind);
        }
    }
}
