package io.kaged.actors.session;

import io.kaged.actors.HeldCommands;
import io.kaged.actors.PurgeDeletion;
import io.kaged.actors.process.ProcessLauncher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Parent of every session actor: spawns a session on first use (creation, a request, or recovery at
 * start) and restarts one that fails with backoff. Messages for a session go through here so callers
 * need only its id.
 *
 * <p>A purge stops the sessions' actors and holds every command for them until their rows are deleted,
 * so no command races the deletion and no actor keeps a purged session in memory; the held commands then
 * reach fresh actors, which find no session. Purges run one at a time, in the order asked.
 */
public final class SessionSupervisor extends AbstractBehavior<SessionSupervisor.Command> {

    public sealed interface Command {}

    /** Delivers {@code command} to session {@code sessionId}, spawning (and so recovering) it if needed. */
    public record Deliver(String sessionId, SessionActor.Command command) implements Command {}

    /**
     * Deletes sessions' rows with none of their actors alive: {@code deletion} runs once every actor of
     * {@code sessionIds} has stopped (a stopping actor kills what is left of its process); the reply is the
     * deletion's result. The caller terminates live sessions first, so that their end is recorded.
     */
    public record Purge<T>(
            List<String> sessionIds, Supplier<CompletionStage<T>> deletion, ActorRef<StatusReply<T>> replyTo)
            implements Command {}

    /**
     * Terminates every session that has an actor (the daemon is stopping): each records that it was
     * closed and sends its process group SIGTERM; replies once all have answered or after a few seconds.
     */
    public record TerminateAll(ActorRef<Done> replyTo) implements Command {}

    /** Wakes the given sessions: each recovers and, if it had a process, records the interruption. */
    public record Recover(List<String> sessionIds) implements Command {}

    private record Stopped(String sessionId) implements Command {}

    private record PurgeEnded(Runnable reply) implements Command {}

    private final SessionSettings settings;
    private final ProcessLauncher launcher;
    private final Executor blocking;
    private final Clock clock;

    private final Deque<Purge<?>> purges = new ArrayDeque<>();
    /** The purge under way, if any. */
    private Purge<?> purging;
    /** Commands for the sessions of the purge under way, delivered once it has ended. */
    private final HeldCommands<SessionActor.Command> held = new HeldCommands<>();
    /** Sessions of the purge under way whose actors have not stopped yet. */
    private final Set<String> awaitingStop = new HashSet<>();

    private SessionSupervisor(
            ActorContext<Command> context,
            SessionSettings settings,
            ProcessLauncher launcher,
            Executor blocking,
            Clock clock) {
        super(context);
        this.settings = settings;
        this.launcher = launcher;
        this.blocking = blocking;
        this.clock = clock;
    }

    public static Behavior<Command> create(
            SessionSettings settings, ProcessLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> new SessionSupervisor(ctx, settings, launcher, blocking, clock));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::deliver)
                .onMessage(Purge.class, this::purge)
                .onMessage(Stopped.class, this::stopped)
                .onMessage(PurgeEnded.class, this::purgeEnded)
                .onMessage(TerminateAll.class, this::terminateAll)
                .onMessage(Recover.class, this::recover)
                .build();
    }

    private Behavior<Command> deliver(Deliver d) {
        held.deliver(d.sessionId(), d.command(), () -> child(d.sessionId()));
        return this;
    }

    private Behavior<Command> terminateAll(TerminateAll t) {
        List<CompletableFuture<?>> answers = new ArrayList<>();
        getContext()
                .getChildren()
                .forEach(child -> answers.add(AskPattern.<SessionActor.Command, StatusReply<Summary>>ask(
                                child.unsafeUpcast(),
                                SessionActor.Terminate::new,
                                Duration.ofSeconds(3),
                                getContext().getSystem().scheduler())
                        .toCompletableFuture()
                        .exceptionally(e -> null)));
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .whenComplete((ok, e) -> t.replyTo().tell(Done.getInstance()));
        return this;
    }

    private Behavior<Command> recover(Recover r) {
        r.sessionIds().forEach(this::child);
        if (!r.sessionIds().isEmpty()) {
            getContext()
                    .getLog()
                    .info(
                            "Recovering {} session(s) that were live when the daemon stopped",
                            r.sessionIds().size());
        }
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
        awaitingStop.clear();
        for (String id : purging.sessionIds()) {
            held.hold(id);
            existing(id).ifPresent(ref -> {
                awaitingStop.add(id);
                getContext().watchWith(ref, new Stopped(id));
                getContext().stop(ref);
            });
        }
        return awaitingStop.isEmpty() ? startDeletion() : this;
    }

    private Behavior<Command> stopped(Stopped s) {
        boolean last = awaitingStop.remove(s.sessionId()) && awaitingStop.isEmpty();
        return last ? startDeletion() : this;
    }

    private Behavior<Command> startDeletion() {
        getContext().pipeToSelf(run(purging), (reply, failure) -> new PurgeEnded(reply));
        return this;
    }

    private static <T> CompletionStage<Runnable> run(Purge<T> p) {
        return PurgeDeletion.run(p.deletion(), p.replyTo());
    }

    private Behavior<Command> purgeEnded(PurgeEnded e) {
        for (String id : purging.sessionIds()) {
            held.releaseTo(id, () -> child(id));
        }
        e.reply().run();
        purging = null;
        return startNextPurge();
    }

    // ---- children ---------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private Optional<ActorRef<SessionActor.Command>> existing(String id) {
        return getContext().getChild("session-" + id).map(ref -> (ActorRef<SessionActor.Command>) (ActorRef<?>) ref);
    }

    private ActorRef<SessionActor.Command> child(String id) {
        return existing(id).orElseGet(() -> getContext()
                .spawn(
                        Behaviors.supervise(SessionActor.create(id, settings, launcher, blocking, clock))
                                .onFailure(SupervisorStrategy.restartWithBackoff(
                                        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                        "session-" + id));
    }
}
