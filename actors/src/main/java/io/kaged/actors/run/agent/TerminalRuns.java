package io.kaged.actors.run.agent;

import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunSummary;
import io.kaged.actors.run.RunSupervisor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The agent's terminals as the run supervisor knows them: each is a child run, started, read and cancelled
 * through the supervisor's mailbox like any run (the actor talks to its children this way, not through HTTP).
 * The output is the child's recorded transcript; its end is seen by asking the child for its summary until it
 * has finished, so no hook in the run actor is needed.
 */
final class TerminalRuns {

    /** How often a wait_for_exit asks the child whether it has ended: in memory, no database read. */
    static final Duration POLL = Duration.ofMillis(100);

    private static final Duration ASK = Duration.ofSeconds(30);

    private final ActorRef<RunSupervisor.Command> supervisor;
    private final Scheduler scheduler;
    private final RunQueries queries;

    TerminalRuns(ActorRef<RunSupervisor.Command> supervisor, Scheduler scheduler, RunQueries queries) {
        this.supervisor = supervisor;
        this.scheduler = scheduler;
        this.queries = queries;
    }

    /** Starts child run {@code id}: the same {@link RunActor.Dispatch} as {@code POST /v1/runs} delivers. */
    CompletionStage<RunSummary> dispatch(String id, RunSpec spec) {
        return AskPattern.askWithStatus(
                supervisor, r -> new RunSupervisor.Deliver(id, new RunActor.Dispatch(spec, r)), ASK, scheduler);
    }

    CompletionStage<RunSummary> summary(String id) {
        return AskPattern.askWithStatus(
                supervisor, r -> new RunSupervisor.Deliver(id, new RunActor.GetSummary(r)), ASK, scheduler);
    }

    /** Cancels the child, as {@code POST /v1/runs/{id}/cancel} would; one that has already ended stays as it is. */
    CompletionStage<Void> cancel(String id) {
        return AskPattern.<RunSupervisor.Command, RunSummary>askWithStatus(
                        supervisor, r -> new RunSupervisor.Deliver(id, new RunActor.Cancel(r)), ASK, scheduler)
                .handle((summary, refused) -> null);
    }

    /** The child's recorded output, stdout and stderr in the order recorded; the output set aside left out. */
    CompletionStage<byte[]> output(String id) {
        return queries.output(id, null, false);
    }

    /** The child's summary once its process has ended; null if {@code gone} (the agent went away) first. */
    CompletionStage<RunSummary> exited(String id, BooleanSupplier gone) {
        return summary(id).thenCompose(s -> {
            if (TerminalExit.ended(s)) {
                return CompletableFuture.completedFuture(s);
            }
            if (gone.getAsBoolean()) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.supplyAsync(
                            () -> null, CompletableFuture.delayedExecutor(POLL.toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> exited(id, gone));
        });
    }
}
