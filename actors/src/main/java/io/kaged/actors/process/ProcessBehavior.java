package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.FlushDue;
import io.kaged.actors.process.ProcessReport.KillDue;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.ProcessReport.OutputWaiting;
import io.kaged.actors.process.ProcessReport.RecoveredLive;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * What the event-sourced behaviours of runs and sessions share around their {@link SupervisedProcess}:
 * the journal and snapshot plugins, recovery of a live actor, the process killed when the actor stops,
 * the core's housekeeping reports (output waiting, flush, kill grace), refusals, and the clock. A
 * subclass adds its phases' handlers and says which states are live and how output becomes events.
 *
 * @param <E> the actor's event type
 * @param <S> the actor's state type
 * @param <R> what its commands answer: the summary of its state
 */
public abstract class ProcessBehavior<E, S, R> extends EventSourcedBehaviorWithEnforcedReplies<ProcessMessage, E, S> {

    public static final String JOURNAL = "kaged.persistence.journal";
    public static final String SNAPSHOTS = "kaged.persistence.snapshot-store";

    private static final BackoffSupervisorStrategy PERSIST_FAILURE =
            SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

    protected final ActorContext<ProcessMessage> context;
    protected final TimerScheduler<ProcessMessage> timers;
    protected final SupervisedProcess process;
    private final Clock clock;

    protected ProcessBehavior(
            PersistenceId persistenceId,
            ActorContext<ProcessMessage> context,
            TimerScheduler<ProcessMessage> timers,
            Executor blocking,
            Clock clock,
            SupervisedProcess.Settings settings) {
        // A failed persist (the store went away) restarts the actor, which recovers from what was stored,
        // instead of Pekko's default stop, which no supervisor sees and which would leave the run or
        // session live in the query tables with no actor behind it.
        super(persistenceId, PERSIST_FAILURE);
        this.context = context;
        this.timers = timers;
        this.clock = clock;
        this.process = new SupervisedProcess(context, timers, blocking, settings);
    }

    /** The behaviour {@code make} builds, with its context and timers, as its actor's public protocol. */
    protected static <C extends ProcessMessage> Behavior<C> create(
            BiFunction<ActorContext<ProcessMessage>, TimerScheduler<ProcessMessage>, ProcessBehavior<?, ?, ?>> make) {
        return Behaviors.<ProcessMessage>setup(ctx -> Behaviors.withTimers(timers -> make.apply(ctx, timers)))
                .narrow();
    }

    @Override
    public final String journalPluginId() {
        return JOURNAL;
    }

    @Override
    public final String snapshotPluginId() {
        return SNAPSHOTS;
    }

    /** Whether {@code state} has (or is about to have) a process: recovered so, it lost it. */
    protected abstract boolean live(S state);

    /** The output taken so far as events, for the state it is recorded in; none left after. */
    protected abstract List<E> batches(S state);

    /** The state as commands answer it. */
    protected abstract R summary(S state);

    /** Output as it is taken, before it is recorded: for live readers. */
    protected void taken(SupervisedProcess.Batch batch) {}

    @Override
    public SignalHandler<S> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> process.recoveryCompleted(live(state)))
                .onSignal(PostStop.instance(), state -> process.actorStopped())
                // a restart (after a failed persist) loses this incarnation's process handle: end it as a stop does
                .onSignal(PreRestart.instance(), state -> process.actorStopped())
                .build();
    }

    protected long now() {
        return clock.millis();
    }

    protected <T> ReplyEffect<E, S> refuse(Replying<T> c, String reason) {
        return Effect().reply(c.replyTo(), StatusReply.error(reason));
    }

    /** Answers {@code c} with the summary of {@code state}. */
    protected ReplyEffect<E, S> answer(Replying<R> c, S state) {
        return Effect().reply(c.replyTo(), StatusReply.success(summary(state)));
    }

    /** Persists {@code event}, then answers {@code c} with the summary of the state it leads to. */
    protected ReplyEffect<E, S> record(E event, Replying<R> c) {
        return Effect().persist(event).thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    /**
     * Persists {@code event}, then does {@code after} with the new state (a signal, a timer), then answers
     * {@code c} with its summary. The side effect follows the persist it belongs to: if the persist fails,
     * the process is as the recorded state says (a pause that was not recorded stopped nothing).
     */
    protected ReplyEffect<E, S> record(E event, Replying<R> c, java.util.function.Consumer<S> after) {
        return Effect()
                .persist(event)
                .thenRun(after::accept)
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    /**
     * Persists {@code event} (the actor's end: cancelled, closed), then starts no further attempt and asks
     * the process to end: SIGCONT, {@code signals}, SIGKILL after the kill grace. Answers with the summary.
     */
    protected ReplyEffect<E, S> end(E event, Replying<R> c, Signal... signals) {
        return Effect()
                .persist(event)
                .thenRun(st -> {
                    process.cancelLaunch();
                    process.terminate(signals);
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    protected ReplyEffect<E, S> flush(S state) {
        List<E> events = batches(state);
        return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenNoReply();
    }

    /**
     * The core's reports that every phase after creation handles alike, added to {@code b}: a start that
     * failed too late to matter, a recovery with nothing to record, output waiting, a flush due, a kill
     * grace over.
     */
    protected <X extends S> CommandHandlerWithReplyBuilderByState<ProcessMessage, E, X, S> housekeeping(
            CommandHandlerWithReplyBuilderByState<ProcessMessage, E, X, S> b) {
        return b.onCommand(LaunchFailed.class, (s, c) -> {
                    process.launchFailed(c);
                    return Effect().noReply();
                })
                .onCommand(RecoveredLive.class, (s, c) -> {
                    process.recovered();
                    return Effect().noReply();
                })
                .onCommand(
                        OutputWaiting.class,
                        (s, c) -> process.outputWaiting(this::taken)
                                ? flush(s)
                                : Effect().noReply())
                .onCommand(FlushDue.class, (s, c) -> flush(s))
                .onCommand(KillDue.class, (s, c) -> {
                    process.killDue(c);
                    return Effect().noReply();
                });
    }
}
