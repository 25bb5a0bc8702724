package io.kaged.actors.session;

import io.kaged.actors.process.ProcessLauncher;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Parent of every session actor: spawns a session on first use (creation, a request, or recovery at
 * start) and restarts one that fails with backoff. Messages for a session go through here so callers
 * need only its id.
 */
public final class SessionSupervisor {

    public sealed interface Command {}

    /** Delivers {@code command} to session {@code sessionId}, spawning (and so recovering) it if needed. */
    public record Deliver(String sessionId, SessionActor.Command command) implements Command {}

    /** Stops the session's actor (before a purge); its next message would start it afresh. */
    public record Stop(String sessionId, ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

    /**
     * Terminates every session that has an actor (the daemon is stopping): each records that it was
     * closed and sends its process group SIGTERM; replies once all have answered or after a few seconds.
     */
    public record TerminateAll(ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

    /** Wakes the given sessions: each recovers and, if it had a process, records the interruption. */
    public record Recover(List<String> sessionIds) implements Command {}

    private SessionSupervisor() {}

    public static Behavior<Command> create(
            SessionSettings settings, ProcessLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
                .onMessage(Deliver.class, d -> {
                    child(ctx, d.sessionId(), settings, launcher, blocking, clock)
                            .tell(d.command());
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> {
                    ctx.getChild("session-" + s.sessionId()).ifPresent(ctx::stop);
                    s.replyTo().tell(org.apache.pekko.Done.getInstance());
                    return Behaviors.same();
                })
                .onMessage(TerminateAll.class, t -> {
                    var answers = new java.util.ArrayList<java.util.concurrent.CompletableFuture<?>>();
                    ctx.getChildren()
                            .forEach(child -> answers.add(org.apache.pekko.actor.typed.javadsl.AskPattern
                                    .<SessionActor.Command, org.apache.pekko.pattern.StatusReply<Summary>>ask(
                                            child.unsafeUpcast(),
                                            SessionActor.Terminate::new,
                                            Duration.ofSeconds(3),
                                            ctx.getSystem().scheduler())
                                    .toCompletableFuture()
                                    .exceptionally(e -> null)));
                    java.util.concurrent.CompletableFuture.allOf(
                                    answers.toArray(java.util.concurrent.CompletableFuture[]::new))
                            .whenComplete((ok, e) -> t.replyTo().tell(org.apache.pekko.Done.getInstance()));
                    return Behaviors.same();
                })
                .onMessage(Recover.class, r -> {
                    r.sessionIds().forEach(id -> child(ctx, id, settings, launcher, blocking, clock));
                    if (!r.sessionIds().isEmpty()) {
                        ctx.getLog()
                                .info(
                                        "Recovering {} session(s) that were live when the daemon stopped",
                                        r.sessionIds().size());
                    }
                    return Behaviors.same();
                })
                .build());
    }

    @SuppressWarnings("unchecked")
    private static ActorRef<SessionActor.Command> child(
            ActorContext<Command> ctx,
            String id,
            SessionSettings settings,
            ProcessLauncher launcher,
            Executor blocking,
            Clock clock) {
        String name = "session-" + id;
        return ctx.getChild(name)
                .<ActorRef<SessionActor.Command>>map(ref -> (ActorRef<SessionActor.Command>) (ActorRef<?>) ref)
                .orElseGet(() -> ctx.spawn(
                        Behaviors.supervise(SessionActor.create(id, settings, launcher, blocking, clock))
                                .onFailure(SupervisorStrategy.restartWithBackoff(
                                        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                        name));
    }
}
