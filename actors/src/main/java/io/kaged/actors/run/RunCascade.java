package io.kaged.actors.run;

import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.Replying;
import io.kaged.actors.run.RunActor.Cancel;
import io.kaged.actors.run.RunActor.DescendantsCancelled;
import io.kaged.actors.run.RunActor.ParentEnded;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;

/**
 * One run's side of the cancel cascade (ADR-0058): once the run's cancel or timeout is recorded, the
 * supervisor cancels its unfinished children, and the count comes back as {@link DescendantsCancelled};
 * then the cancel that caused it is answered.
 */
final class RunCascade {

    static final String PARENT_CANCELLED = "parent cancelled";
    static final String PARENT_TIMED_OUT = "parent timed out";

    /** The reason a child of a run that ended as {@code parentState} is cancelled, or null if it is not. */
    static String reasonFor(String parentState) {
        return switch (parentState) {
            case "cancelled" -> PARENT_CANCELLED;
            case "timed-out" -> PARENT_TIMED_OUT;
            default -> null;
        };
    }

    private final ActorContext<ProcessMessage> context;
    private final String runId;
    private final ActorRef<RunSupervisor.Command> supervisor;
    private final Duration wait;

    /** Cascades whose count has not come back yet; the actor is not idle until they have. */
    private int pending;

    RunCascade(
            ActorContext<ProcessMessage> context,
            String runId,
            ActorRef<RunSupervisor.Command> supervisor,
            Duration cascadeWait) {
        this.context = context;
        this.runId = runId;
        this.supervisor = supervisor;
        // the supervisor waits up to cascadeWait for the children, and they for theirs
        this.wait = cascadeWait.multipliedBy(2);
    }

    /** Cancels this run's children for {@code reason}; {@code asked} (if any) is answered when they have. */
    void start(String reason, Replying<?> asked) {
        pending++;
        context.ask(
                Integer.class,
                supervisor,
                wait,
                r -> new RunSupervisor.CancelChildren(runId, reason, r),
                (count, failure) -> new DescendantsCancelled(count == null ? 0 : count, asked));
    }

    /** The count is back: a cancel gets the run's summary with it, a parent's cascade this run and its own. */
    void answered(DescendantsCancelled c, RunSummary summary) {
        pending--;
        if (c.cause() instanceof Cancel cancel) {
            cancel.replyTo().tell(StatusReply.success(summary.withCancelledDescendants(c.count())));
        } else if (c.cause() instanceof ParentEnded ended) {
            ended.replyTo().tell(StatusReply.success(1 + c.count()));
        }
    }

    boolean idle() {
        return pending == 0;
    }
}
