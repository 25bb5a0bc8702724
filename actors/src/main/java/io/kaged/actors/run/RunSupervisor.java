package io.kaged.actors.run;

import io.kaged.actors.HeldCommands;
import io.kaged.actors.process.ChildActors;
import io.kaged.actors.process.PurgeQueue;
import io.kaged.persistence.store.StoreExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;

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

    /**
     * From a run that was cancelled or timed out: cancel its unfinished children for {@code reason}, each of
     * which does the same for its own. The reply is how many runs stopped, at every depth. The children are
     * found in the query table (see ADR-0058).
     */
    public record CancelChildren(String parentId, String reason, ActorRef<Integer> replyTo) implements Command {}

    /** At recovery, right after {@link Recover}: live runs whose parent's end did not reach them. */
    public record EndOrphans(List<RunQueries.Orphan> orphans) implements Command {}

    /**
     * From a child run whose dispatch is recorded: its parent may have been cancelled or timed out before
     * the child's row existed, so that the parent's cascade did not see it (ADR-0058).
     */
    record CheckParent(String runId, String parentId) implements Command {}

    /** From a finished, idle run actor: stop me. */
    record Passivate(String runId) implements Command {}

    /** From a run asked to stop that got busy again: it stays, and what was held goes to it. */
    record StayAlive(String runId) implements Command {}

    private record Stopped(String runId) implements Command {}

    /**
     * Deletes runs' rows with none of their actors alive: {@code deletion} runs once every actor of
     * {@code ids} has stopped; the reply is its result, or an error naming a run that would not stop
     * (live, or still finishing) — then nothing was deleted.
     */
    public record Purge<T>(List<String> ids, Supplier<CompletionStage<T>> deletion, ActorRef<StatusReply<T>> replyTo)
            implements Command, PurgeQueue.Request<T> {}

    /** The active purge's deletion has ended; {@code reply} answers its asker. */
    private record PurgeEnded(Runnable reply) implements Command {}

    private final ChildActors<RunActor.Command> children;
    /** Runs being stopped or purged, with the commands that arrived for them meanwhile. */
    private final HeldCommands<RunActor.Command> stopping = new HeldCommands<>();

    private final PurgeQueue<RunActor.Command, Command> purges;
    private final RunQueries queries;
    private final Duration cascadeWait;

    private RunSupervisor(
            ActorContext<Command> context, RunSettings settings, RunLauncher launcher, Executor blocking, Clock clock) {
        super(context);
        this.children = new ChildActors<>(
                context, "run", id -> RunActor.create(id, settings, launcher, blocking, clock, context.getSelf()));
        this.purges = new PurgeQueue<>(
                context,
                children,
                stopping,
                ref -> ref.tell(RunActor.Stop.INSTANCE),
                Stopped::new,
                PurgeEnded::new,
                id -> "run " + id + " is live, or its cancelled process has not ended yet, so nothing was deleted;"
                        + " cancel it if it is live (POST /v1/runs/" + id
                        + "/cancel) and purge again once GET /v1/runs/"
                        + id + " shows it ended");
        this.queries = new RunQueries(StoreExtension.store(context.getSystem().classicSystem()));
        this.cascadeWait = settings.cascadeWait();
    }

    public static Behavior<Command> create(RunSettings settings, RunLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> new RunSupervisor(ctx, settings, launcher, blocking, clock));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::deliver)
                .onMessage(Recover.class, r -> {
                    children.recover(r.runIds());
                    return this;
                })
                .onMessage(CancelChildren.class, this::cancelChildren)
                .onMessage(EndOrphans.class, this::endOrphans)
                .onMessage(CheckParent.class, this::checkParent)
                .onMessage(Passivate.class, this::passivate)
                .onMessage(StayAlive.class, this::stayAlive)
                .onMessage(Stopped.class, this::stopped)
                .onMessage(Purge.class, p -> {
                    purges.add(p);
                    return this;
                })
                .onMessage(PurgeEnded.class, e -> {
                    purges.ended(e.reply());
                    return this;
                })
                .build();
    }

    private Behavior<Command> deliver(Deliver d) {
        stopping.deliver(d.runId(), d.command(), () -> children.get(d.runId()));
        return this;
    }

    private Behavior<Command> endOrphans(EndOrphans e) {
        for (RunQueries.Orphan o : e.orphans()) {
            deliver(new Deliver(
                    o.id(),
                    new RunActor.ParentEnded(
                            RunCascade.reasonFor(o.parentState()),
                            getContext().getSystem().ignoreRef())));
        }
        return this;
    }

    private Behavior<Command> checkParent(CheckParent c) {
        ActorRef<Command> self = getContext().getSelf();
        ActorRef<StatusReply<Integer>> ignore = getContext().getSystem().ignoreRef();
        Logger log = getContext().getLog();
        queries.get(c.parentId()).whenComplete((parent, failure) -> {
            if (failure != null) {
                // recovery reads the same table and ends the child then if its parent had ended
                log.warn("The parent {} of run {} could not be read", c.parentId(), c.runId(), failure);
                return;
            }
            parent.map(p -> RunCascade.reasonFor(p.state()))
                    .ifPresent(reason -> self.tell(new Deliver(c.runId(), new RunActor.ParentEnded(reason, ignore))));
        });
        return this;
    }

    /** Off the actor's thread: the children's asks go through this supervisor's own mailbox as deliveries. */
    private Behavior<Command> cancelChildren(CancelChildren c) {
        ActorRef<Command> self = getContext().getSelf();
        Scheduler scheduler = getContext().getSystem().scheduler();
        Logger log = getContext().getLog();
        queries.liveChildren(c.parentId())
                .thenCompose(ids -> {
                    List<CompletableFuture<Integer>> answers = ids.stream()
                            .map(id -> AskPattern.<Command, StatusReply<Integer>>ask(
                                            self,
                                            r -> new Deliver(id, new RunActor.ParentEnded(c.reason(), r)),
                                            cascadeWait,
                                            scheduler)
                                    .handle((reply, failure) -> {
                                        if (failure != null || reply.isError()) {
                                            log.warn(
                                                    "Child run {} of {} did not confirm its cancel: {}",
                                                    id,
                                                    c.parentId(),
                                                    failure != null ? failure : reply.getError());
                                            return 0;
                                        }
                                        return reply.getValue();
                                    })
                                    .toCompletableFuture())
                            .toList();
                    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                            .thenApply(done -> answers.stream()
                                    .mapToInt(CompletableFuture::join)
                                    .sum());
                })
                .whenComplete((count, failure) -> {
                    if (failure != null) {
                        // the parent's end is recorded: recovery finds these children and ends them (ADR-0058)
                        log.warn("The child runs of {} could not be listed to cancel them", c.parentId(), failure);
                    }
                    c.replyTo().tell(failure == null ? count : 0);
                });
        return this;
    }

    private Behavior<Command> passivate(Passivate p) {
        if (!stopping.isHolding(p.runId())) {
            children.existing(p.runId()).ifPresent(ref -> {
                stopping.hold(p.runId());
                getContext().watchWith(ref, new Stopped(p.runId()));
                ref.tell(RunActor.Stop.INSTANCE);
            });
        }
        return this;
    }

    private Behavior<Command> stayAlive(StayAlive s) {
        if (purges.covers(s.runId())) {
            purges.declined(s.runId());
            return this;
        }
        List<RunActor.Command> held = stopping.release(s.runId());
        children.existing(s.runId()).ifPresent(ref -> {
            getContext().unwatch(ref);
            held.forEach(ref::tell);
        });
        return this;
    }

    private Behavior<Command> stopped(Stopped s) {
        if (purges.covers(s.runId())) {
            purges.stopped(s.runId());
        } else {
            stopping.releaseTo(s.runId(), () -> children.get(s.runId()));
        }
        return this;
    }
}
