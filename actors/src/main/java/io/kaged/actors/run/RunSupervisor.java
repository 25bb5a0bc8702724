package io.kaged.actors.run;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Parent of every run actor: spawns a run on first use or at recovery, restarts a failed one with
 * backoff, and passivates finished runs that went idle.
 *
 * <p>Passivation is the sharding way: the run asks, the supervisor sends it {@link RunActor.Stop} through
 * its own mailbox (so whatever was delivered before is still handled) and holds any command for that run
 * until it has stopped; then a fresh actor recovers and gets the held commands in order.
 */
public final class RunSupervisor extends AbstractBehavior<RunSupervisor.Command> {

    public sealed interface Command {}

    public record Deliver(String runId, RunActor.Command command) implements Command {}

    public record Recover(List<String> runIds) implements Command {}

    /** From a finished, idle run actor: stop me. */
    record Passivate(String runId) implements Command {}

    /** From a run asked to stop that got busy again: it stays, and what was held goes to it. */
    record StayAlive(String runId) implements Command {}

    private record Stopped(String runId) implements Command {}

    private final RunSettings settings;
    private final RunLauncher launcher;
    private final Executor blocking;
    private final Clock clock;
    /** Runs being stopped, with the commands that arrived for them meanwhile. */
    private final Map<String, List<RunActor.Command>> stopping = new HashMap<>();

    private RunSupervisor(
            ActorContext<Command> context, RunSettings settings, RunLauncher launcher, Executor blocking, Clock clock) {
        super(context);
        this.settings = settings;
        this.launcher = launcher;
        this.blocking = blocking;
        this.clock = clock;
    }

    public static Behavior<Command> create(RunSettings settings, RunLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> new RunSupervisor(ctx, settings, launcher, blocking, clock));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::deliver)
                .onMessage(Recover.class, this::recover)
                .onMessage(Passivate.class, this::passivate)
                .onMessage(StayAlive.class, this::stayAlive)
                .onMessage(Stopped.class, this::stopped)
                .build();
    }

    private Behavior<Command> deliver(Deliver d) {
        List<RunActor.Command> held = stopping.get(d.runId());
        if (held != null) {
            held.add(d.command());
        } else {
            child(d.runId()).tell(d.command());
        }
        return this;
    }

    private Behavior<Command> recover(Recover r) {
        r.runIds().forEach(this::child);
        if (!r.runIds().isEmpty()) {
            getContext()
                    .getLog()
                    .info(
                            "Recovering {} run(s) that were live when the daemon stopped",
                            r.runIds().size());
        }
        return this;
    }

    private Behavior<Command> passivate(Passivate p) {
        if (!stopping.containsKey(p.runId())) {
            existing(p.runId()).ifPresent(ref -> {
                stopping.put(p.runId(), new ArrayList<>());
                getContext().watchWith(ref, new Stopped(p.runId()));
                ref.tell(RunActor.Stop.INSTANCE);
            });
        }
        return this;
    }

    private Behavior<Command> stayAlive(StayAlive s) {
        List<RunActor.Command> held = stopping.remove(s.runId());
        existing(s.runId()).ifPresent(ref -> {
            getContext().unwatch(ref);
            if (held != null) {
                held.forEach(ref::tell);
            }
        });
        return this;
    }

    private Behavior<Command> stopped(Stopped s) {
        List<RunActor.Command> held = stopping.remove(s.runId());
        if (held != null && !held.isEmpty()) {
            ActorRef<RunActor.Command> fresh = child(s.runId());
            held.forEach(fresh::tell);
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    private java.util.Optional<ActorRef<RunActor.Command>> existing(String id) {
        return getContext().getChild("run-" + id).map(ref -> (ActorRef<RunActor.Command>) (ActorRef<?>) ref);
    }

    private ActorRef<RunActor.Command> child(String id) {
        return existing(id).orElseGet(() -> getContext()
                .spawn(
                        Behaviors.supervise(RunActor.create(
                                        id,
                                        settings,
                                        launcher,
                                        blocking,
                                        clock,
                                        getContext().getSelf()))
                                .onFailure(SupervisorStrategy.restartWithBackoff(
                                        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                        "run-" + id));
    }
}
