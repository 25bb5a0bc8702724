package io.kaged.actors.session;

import io.kaged.actors.HeldCommands;
import io.kaged.actors.process.ChildActors;
import io.kaged.actors.process.ProcessLauncher;
import io.kaged.actors.process.PurgeQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
     * {@code ids} has stopped (a stopping actor kills what is left of its process); the reply is the
     * deletion's result. The caller terminates live sessions first, so that their end is recorded.
     */
    public record Purge<T>(List<String> ids, Supplier<CompletionStage<T>> deletion, ActorRef<StatusReply<T>> replyTo)
            implements Command, PurgeQueue.Request<T> {}

    /**
     * Terminates every session that has an actor (the daemon is stopping): each records that it was
     * closed and sends its process group SIGTERM; replies once all have answered or after a few seconds.
     */
    public record TerminateAll(ActorRef<Done> replyTo) implements Command {}

    /** Wakes the given sessions: each recovers and, if it had a process, records the interruption. */
    public record Recover(List<String> sessionIds) implements Command {}

    private record Stopped(String sessionId) implements Command {}

    private record PurgeEnded(Runnable reply) implements Command {}

    private final ChildActors<SessionActor.Command> children;
    /** Commands for the sessions of the purge under way, delivered once it has ended. */
    private final HeldCommands<SessionActor.Command> held = new HeldCommands<>();

    private final PurgeQueue<SessionActor.Command, Command> purges;

    private SessionSupervisor(
            ActorContext<Command> context,
            SessionSettings settings,
            ProcessLauncher launcher,
            Executor blocking,
            Clock clock) {
        super(context);
        this.children = new ChildActors<>(
                context, "session", id -> SessionActor.create(id, settings, launcher, blocking, clock));
        // a session never declines: a stopping actor kills what is left of its process
        this.purges = new PurgeQueue<>(
                context,
                children,
                held,
                context::stop,
                Stopped::new,
                PurgeEnded::new,
                id -> "session " + id + " did not stop for the purge (its process is still ending), so nothing was"
                        + " deleted; purge again once GET /v1/sessions/" + id + " shows it ended");
    }

    public static Behavior<Command> create(
            SessionSettings settings, ProcessLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> new SessionSupervisor(ctx, settings, launcher, blocking, clock));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, d -> {
                    held.deliver(d.sessionId(), d.command(), () -> children.get(d.sessionId()));
                    return this;
                })
                .onMessage(Purge.class, p -> {
                    purges.add(p);
                    return this;
                })
                .onMessage(Stopped.class, s -> {
                    purges.stopped(s.sessionId());
                    return this;
                })
                .onMessage(PurgeEnded.class, e -> {
                    purges.ended(e.reply());
                    return this;
                })
                .onMessage(TerminateAll.class, this::terminateAll)
                .onMessage(Recover.class, r -> {
                    children.recover(r.sessionIds());
                    return this;
                })
                .build();
    }

    private Behavior<Command> terminateAll(TerminateAll t) {
        List<CompletableFuture<?>> answers = new ArrayList<>();
        getContext()
                .getChildren()
                .forEach(child -> answers.add(AskPattern.<SessionActor.Command, StatusReply<SessionSummary>>ask(
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
}
