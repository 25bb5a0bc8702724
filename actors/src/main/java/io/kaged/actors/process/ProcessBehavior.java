package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.FlushDue;
import io.kaged.actors.process.ProcessReport.KillDue;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.ProcessReport.OrphansReaped;
import io.kaged.actors.process.ProcessReport.OutputWaiting;
import io.kaged.actors.process.ProcessReport.RecoveredLive;
import io.kaged.actors.process.ProcessReport.WaitExpired;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
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
    /** Commands waiting (in the stash) for the process to be there. */
    protected final WaitingCommands waiting;

    private final Clock clock;

    protected ProcessBehavior(
            PersistenceId persistenceId,
            ActorContext<ProcessMessage> context,
            TimerScheduler<ProcessMessage> timers,
            Executor blocking,
            Clock clock,
            ProcessSettings settings) {
        // A failed persist (the store went away) restarts the actor, which recovers from what was stored,
        // instead of Pekko's default stop, which no supervisor sees and which would leave the run or
        // session live in the query tables with no actor behind it.
        super(persistenceId, PERSIST_FAILURE);
        this.context = context;
        this.timers = timers;
        this.clock = clock;
        this.process = new SupervisedProcess(context, timers, blocking, settings);
        this.waiting = new WaitingCommands(settings.maxWaitingCommands(), settings.maxCommandWait(), timers);
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
                // a restart after a failed persist: the process ends, and recovery records it interrupted
                .onSignal(PreRestart.instance(), state -> process.actorRestarting())
                .build();
    }

    /** The clock's time; public, as {@link #record} is, for the handler classes an actor splits its roles into. */
    public long now() {
        return clock.millis();
    }

    protected <T> ReplyEffect<E, S> refuse(Replying<T> c, String reason) {
        return Effect().reply(c.replyTo(), StatusReply.error(reason));
    }

    // ---- commands that wait for the process (ADR-0057) ---------------------------------------------

    /**
     * {@code c} needs the process: applied now if the process is there and nothing waits before it,
     * otherwise it waits for the process (see {@link #await}).
     */
    protected <T> ReplyEffect<E, S> needsProcess(Replying<T> c, java.util.function.Supplier<ReplyEffect<E, S>> apply) {
        if (waiting.refusingNext()) {
            return Effect().reply(c.replyTo(), StatusReply.error(waiting.refusal()));
        }
        return process.ready() && waiting.none() ? apply.get() : admit(c);
    }

    /**
     * {@code c} came in a phase with no process yet (starting, queued): it waits, in order with the others,
     * and is handled again by the phase the actor is in once the process is there; its reply comes then.
     * Past the bound it is refused at once with {@link ProcessNotReady}.
     */
    protected <T> ReplyEffect<E, S> await(Replying<T> c) {
        if (waiting.refusingNext()) {
            return Effect().reply(c.replyTo(), StatusReply.error(waiting.refusal()));
        }
        return admit(c);
    }

    /**
     * {@code c} needs no process (a cancel, a close), but must not pass commands sent before it: it waits
     * behind them if any wait, and applies now otherwise; handed back after a failed start, it applies.
     */
    protected <T> ReplyEffect<E, S> inTurn(Replying<T> c, java.util.function.Supplier<ReplyEffect<E, S>> apply) {
        return waiting.refusingNext() || waiting.none() ? apply.get() : admit(c);
    }

    private <T> ReplyEffect<E, S> admit(Replying<T> c) {
        if (!waiting.admit()) {
            return Effect().reply(c.replyTo(), StatusReply.error(waiting.full()));
        }
        return Effect().stash();
    }

    /**
     * Persists {@code events}, does {@code after} with the state they lead to, then hands back the commands
     * waiting for the process, in order: for a persist that records a start or leaves a phase without one.
     */
    protected ReplyEffect<E, S> recordThenRelease(List<E> events, Consumer<S> after) {
        return Effect()
                .persist(events)
                .thenRun(st -> {
                    after.accept(st);
                    waiting.released();
                })
                .thenNoReply()
                .thenUnstashAll();
    }

    protected ReplyEffect<E, S> recordThenRelease(E event, Consumer<S> after) {
        return recordThenRelease(List.of(event), after);
    }

    /**
     * Persists {@code event}, the failed start, does {@code after}, then hands back the commands waiting
     * for the process: refused with {@code reason} if the state still waits for one (another attempt is
     * due), or to meet the new phase's answer.
     */
    protected ReplyEffect<E, S> recordFailedStart(
            E event, String reason, java.util.function.Predicate<S> stillWaiting, Consumer<S> after) {
        return recordFailedStart(List.of(event), reason, stillWaiting, after);
    }

    /** As above, with the events that say why before the failed start. */
    protected ReplyEffect<E, S> recordFailedStart(
            List<E> events, String reason, java.util.function.Predicate<S> stillWaiting, Consumer<S> after) {
        return Effect()
                .persist(events)
                .thenRun(st -> {
                    after.accept(st);
                    waiting.refuseAll(
                            new StatusReply.ErrorMessage("the process failed to start: " + reason),
                            stillWaiting.test(st));
                })
                .thenNoReply()
                .thenUnstashAll();
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
    public ReplyEffect<E, S> record(E event, Replying<R> c, Consumer<S> after) {
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
                    waiting.released();
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)))
                .thenUnstashAll();
    }

    /**
     * A daemon killed under the process leaves it running unread, and a shell that ignored its closed
     * terminal's hangup (as under {@code nohup}) outlives it: whatever carries {@code variable=id} is reaped
     * before the interruption is recorded, so a new attempt never runs beside it; {@link OrphansReaped}
     * follows.
     */
    protected ReplyEffect<E, S> reapOrphans(long leaderPid, String variable, String id) {
        process.reapOrphans(leaderPid, variable, id);
        return Effect().noReply();
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
                // ended (cancelled, closed) while what the previous daemon left was being reaped
                .onCommand(OrphansReaped.class, (s, c) -> {
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
                })
                .onCommand(WaitExpired.class, (s, c) -> {
                    waiting.expired();
                    return Effect().none().thenNoReply().thenUnstashAll();
                });
    }
}
