package io.kaged.actors.run;

import io.kaged.actors.HeldCommands;
import io.kaged.actors.PurgeDeletion;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Parent of every run actor: spawns a run on first use or at recovery, restarts a failed one with
 * backoff, and passivates finished runs that went idle.
 *
 * <p>Passivation is the sharding way: the run asks, the supervisor sends it {@link RunActor.Stop} through
 * its own mailbox (so whatever was delivered before is still handled) and holds any command for that run
 * until it has stopped; then a fresh actor recovers and gets the held commands in order.
 *
 * <p>A purge uses the same machinery, so that no command races the deletion and no stale actor keeps a
 * purged run in memory: every run of the purge is asked to stop through its mailbox (a live or busy run
 * declines, and the purge is refused), commands for them are held, the deletion runs once they are all
 * gone, and only then do the held commands reach fresh actors, which find no run. Purges run one at a
 * time, in the order asked.
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

    /**
     * Deletes runs' rows with none of their actors alive: {@code deletion} runs once every actor of
     * {@code runIds} has stopped; the reply is its result, or an error naming a run that would not stop
     * (live, or still finishing) — then nothing was deleted.
     */
    public record Purge<T>(List<String> runIds, Supplier<CompletionStage<T>> deletion, ActorRef<StatusReply<T>> replyTo)
            implements Command {}

    /** The active purge's deletion has ended; {@code reply} answers its asker. */
    private record PurgeEnded(Runnable reply) implements Command {}

    private final RunSettings settings;
    private final RunLauncher launcher;
    private final Executor blocking;
    private final Clock clock;
    /** Runs being stopped or purged, with the commands that arrived for them meanwhile. */
    private final HeldCommands<RunActor.Command> stopping = new HeldCommands<>();

    private final Deque<Purge<?>> purges = new ArrayDeque<>();
    /** The purge under way, if any. */
    private Purge<?> purging;
    /** Runs of the purge under way whose actors have not answered its stop yet. */
    private final Set<String> awaitingStop = new HashSet<>();
    /** A run of the purge under way whose actor declined to stop. */
    private String declined;
    /** The purge under way has started its deletion. */
    private boolean deleting;

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
                .onMessage(Purge.class, this::purge)
                .onMessage(PurgeEnded.class, this::purgeEnded)
                .build();
    }

    private Behavior<Command> deliver(Deliver d) {
        stopping.deliver(d.runId(), d.command(), () -> child(d.runId()));
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
        if (!stopping.isHolding(p.runId())) {
            existing(p.runId()).ifPresent(ref -> {
                stopping.hold(p.runId());
                getContext().watchWith(ref, new Stopped(p.runId()));
                ref.tell(RunActor.Stop.INSTANCE);
            });
        }
        return this;
    }

    private Behavior<Command> stayAlive(StayAlive s) {
        if (inPurge(s.runId())) {
            existing(s.runId()).ifPresent(ref -> getContext().unwatch(ref));
            awaitingStop.remove(s.runId());
            declined = declined == null ? s.runId() : declined;
            return proceedWithPurge();
        }
        List<RunActor.Command> held = stopping.release(s.runId());
        existing(s.runId()).ifPresent(ref -> {
            getContext().unwatch(ref);
            held.forEach(ref::tell);
        });
        return this;
    }

    private Behavior<Command> stopped(Stopped s) {
        if (inPurge(s.runId())) {
            awaitingStop.remove(s.runId());
            return proceedWithPurge();
        }
        stopping.releaseTo(s.runId(), () -> child(s.runId()));
        return this;
    }

    // ---- purge ------------------------------------------------------------------------------------

    private Behavior<Command> purge(Purge<?> p) {
        purges.add(p);
        return purging == null ? startNextPurge() : this;
    }

    private Behavior<Command> startNextPurge() {
        purging = purges.poll();
        if (purging == null) {
            return this;
        }
        declined = null;
        awaitingStop.clear();
        for (String id : purging.runIds()) {
            if (stopping.isHolding(id)) {
                // already asked to stop (passivation): its Stopped or StayAlive is on the way
                awaitingStop.add(id);
                continue;
            }
            stopping.hold(id);
            existing(id).ifPresent(ref -> {
                awaitingStop.add(id);
                getContext().watchWith(ref, new Stopped(id));
                ref.tell(RunActor.Stop.INSTANCE);
            });
        }
        return proceedWithPurge();
    }

    private boolean inPurge(String runId) {
        return purging != null && purging.runIds().contains(runId);
    }

    /** Once every actor of the purge has answered: refuse it if one declined, else run the deletion. */
    private Behavior<Command> proceedWithPurge() {
        if (!awaitingStop.isEmpty() || deleting) {
            return this;
        }
        if (declined != null) {
            String reason = "run " + declined + " is live or still finishing; cancel it (and wait for it to end)"
                    + " before purging";
            return purgeEnded(new PurgeEnded(refusal(purging, reason)));
        }
        deleting = true;
        getContext().pipeToSelf(start(purging), (reply, failure) -> new PurgeEnded(reply));
        return this;
    }

    private static <T> CompletionStage<Runnable> start(Purge<T> p) {
        return PurgeDeletion.run(p.deletion(), p.replyTo());
    }

    private static <T> Runnable refusal(Purge<T> p, String reason) {
        return () -> p.replyTo().tell(StatusReply.error(reason));
    }

    /** Lets the held commands through (to the actor that stayed, or to a fresh one), answers, goes on. */
    private Behavior<Command> purgeEnded(PurgeEnded e) {
        for (String id : purging.runIds()) {
            stopping.releaseTo(id, () -> child(id));
        }
        e.reply().run();
        purging = null;
        deleting = false;
        return startNextPurge();
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
