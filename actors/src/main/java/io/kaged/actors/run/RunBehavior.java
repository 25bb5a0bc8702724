package io.kaged.actors.run;

import io.kaged.actors.process.ProcessBehavior;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.ProcessReport.Exited;
import io.kaged.actors.process.ProcessReport.LaunchDue;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.ProcessReport.Launched;
import io.kaged.actors.process.ProcessReport.OrphansReaped;
import io.kaged.actors.process.ProcessReport.RecoveredLive;
import io.kaged.actors.process.Replying;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor.AttemptEnded;
import io.kaged.actors.run.RunActor.AttemptFailedToStart;
import io.kaged.actors.run.RunActor.AttemptStarted;
import io.kaged.actors.run.RunActor.Cancel;
import io.kaged.actors.run.RunActor.Cancelled;
import io.kaged.actors.run.RunActor.Checkpoint;
import io.kaged.actors.run.RunActor.CheckpointLoaded;
import io.kaged.actors.run.RunActor.CheckpointTaken;
import io.kaged.actors.run.RunActor.CheckpointUnavailable;
import io.kaged.actors.run.RunActor.DescendantsCancelled;
import io.kaged.actors.run.RunActor.Dispatch;
import io.kaged.actors.run.RunActor.Dispatched;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunActor.GetSummary;
import io.kaged.actors.run.RunActor.Idle;
import io.kaged.actors.run.RunActor.Interrupted;
import io.kaged.actors.run.RunActor.OutputRecorded;
import io.kaged.actors.run.RunActor.ParentEnded;
import io.kaged.actors.run.RunActor.Pause;
import io.kaged.actors.run.RunActor.Resume;
import io.kaged.actors.run.RunActor.Resumed;
import io.kaged.actors.run.RunActor.Rollback;
import io.kaged.actors.run.RunActor.RolledBack;
import io.kaged.actors.run.RunActor.Stop;
import io.kaged.actors.run.RunActor.TimedOut;
import io.kaged.actors.run.RunActor.WorkspaceDone;
import io.kaged.actors.run.RunActor.WorkspaceRestored;
import io.kaged.actors.run.RunState.Empty;
import io.kaged.actors.run.RunState.Existing;
import io.kaged.actors.run.RunState.Finished;
import io.kaged.actors.run.RunState.Queued;
import io.kaged.actors.run.RunState.Run;
import io.kaged.actors.run.RunState.Running;
import io.kaged.actors.run.agent.RunAgent;
import io.kaged.persistence.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The run actor's handlers, per phase of {@link RunState}: each validates, persists and replies. The
 * dispatch is persisted before anything starts. A non-zero exit (or a crash of the daemon under it) is
 * retried with backoff while attempts remain; a timeout or a cancel sends SIGTERM to the process group,
 * then SIGKILL after a grace, and ends the run. Never two attempts at once: the next one starts only
 * after the previous one's exit is recorded. The process itself is the {@link SupervisedProcess}'s.
 *
 * <p>Past 400 lines: every handler must see the behaviour's {@code Effect()} and its per-incarnation
 * fields, so the handlers of every phase stay in this one class; what they call is elsewhere (the
 * rollback's reading of a checkpoint in {@link RunRollback}, the workspace's files in {@link
 * RunWorkspace}, the cascade to child runs in {@link
 * RunCascade}, the process in {@link SupervisedProcess}).
 */
final class RunBehavior extends ProcessBehavior<Event, RunState, RunSummary> {

    private final String runId;
    private final RunSettings settings;
    private final RunLauncher launcher;
    private final ActorRef<RunSupervisor.Command> supervisor;
    private final RunRollback rollback;
    private final RunCascade cascade;
    private final RunWorkspace workspace;
    private final RunAgent agent;

    /** The current attempt was ended by its timeout. */
    private boolean timedOut;

    private RunBehavior(
            ActorContext<ProcessMessage> context,
            TimerScheduler<ProcessMessage> timers,
            String runId,
            RunSettings settings,
            RunLauncher launcher,
            Executor blocking,
            Clock clock,
            ActorRef<RunSupervisor.Command> supervisor) {
        super(RunActor.persistenceId(runId), context, timers, blocking, clock, settings.process());
        this.runId = runId;
        this.settings = settings;
        this.launcher = launcher;
        this.supervisor = supervisor;
        this.workspace = new RunWorkspace(context, runId, blocking);
        this.rollback = new RunRollback(context, runId, workspace);
        this.cascade = new RunCascade(context, runId, supervisor, settings.cascadeWait());
        this.agent = new RunAgent(runId, context, blocking, clock, process, this::Effect);
        context.setReceiveTimeout(settings.passivateAfter(), Idle.INSTANCE);
    }

    static Behavior<RunActor.Command> create(
            String runId,
            RunSettings settings,
            RunLauncher launcher,
            Executor blocking,
            Clock clock,
            ActorRef<RunSupervisor.Command> supervisor) {
        return ProcessBehavior.create(
                (ctx, timers) -> new RunBehavior(ctx, timers, runId, settings, launcher, blocking, clock, supervisor));
    }

    @Override
    public RunState emptyState() {
        return new Empty();
    }

    @Override
    protected RunSummary summary(RunState state) {
        return ((Existing) state).summary();
    }

    @Override
    protected boolean live(RunState state) {
        return state instanceof Existing e && e.live();
    }

    /** Pauses and named checkpoints keep the run's state as a snapshot at that event. */
    @Override
    public boolean shouldSnapshot(RunState state, Event event, long sequenceNr) {
        return event instanceof RunActor.Paused || event instanceof CheckpointTaken;
    }

    // ---- command handlers, per phase --------------------------------------------------------------

    @Override
    public CommandHandlerWithReply<ProcessMessage, Event, RunState> commandHandler() {
        CommandHandlerWithReplyBuilder<ProcessMessage, Event, RunState> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Dispatch.class, this::dispatch)
                // also a command that raced a purge, reaching a fresh actor of a run with no rows left
                .onCommand(Replying.class, (s, c) -> refuse(c, "no such run"))
                .onCommand(Idle.class, (s, c) -> passivate())
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
                .onAnyCommand((s, c) -> Effect().noReply());
        b.forStateType(Queued.class)
                .onCommand(LaunchDue.class, (s, c) -> launch(s.run()))
                .onCommand(Launched.class, this::launched)
                .onCommand(LaunchFailed.class, this::launchFailed)
                .onCommand(Exited.class, this::relaunchAfter)
                // no process yet: these wait for it, in order (ADR-0057)
                .onCommand(Pause.class, (s, c) -> await(c))
                .onCommand(Resume.class, (s, c) -> await(c))
                // an attempt may have been starting when the daemon died: its pid was never recorded
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(-1))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(Running.class)
                .onCommand(TimedOut.class, this::timedOut)
                .onCommand(Pause.class, (s, c) -> needsProcess(c, () -> pause(s, c)))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid()))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(RunState.Paused.class)
                .onCommand(Resume.class, (s, c) -> needsProcess(c, () -> resume(s, c)))
                .onCommand(Pause.class, (s, c) -> refuse(c, "run is already paused"))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid()))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(Finished.class)
                .onCommand(Launched.class, (s, c) -> {
                    process.discard(c);
                    return Effect().noReply();
                })
                .onCommand(Cancel.class, (s, c) -> refuse(c, "run has already finished (" + s.outcome() + ")"))
                .onCommand(ParentEnded.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(0)))
                // a recovered run that was cancelled before its orphans were reaped
                .onCommand(OrphansReaped.class, (s, c) -> {
                    process.recovered();
                    return Effect().noReply();
                })
                .onCommand(
                        Idle.class,
                        (s, c) -> quiescent() ? passivate() : Effect().noReply())
                .onCommand(Stop.class, (s, c) -> quiescent() ? Effect().stop().thenNoReply() : declineStop());
        agent.handlers(b.forStateType(Existing.class));
        housekeeping(b.forStateType(Existing.class))
                .onCommand(Dispatch.class, (s, c) -> refuse(c, "run already exists"))
                .onCommand(GetSummary.class, (s, c) -> answer(c, s))
                .onCommand(
                        Pause.class, (s, c) -> refuse(c, "run is " + s.label() + "; only a running run can be paused"))
                .onCommand(Resume.class, (s, c) -> refuse(c, "run is not paused"))
                .onCommand(Cancel.class, (s, c) -> inTurn(c, () -> cancel(s, c)))
                .onCommand(ParentEnded.class, this::parentEnded)
                .onCommand(DescendantsCancelled.class, this::descendantsCancelled)
                .onCommand(Checkpoint.class, this::checkpoint)
                .onCommand(Rollback.class, this::rollback)
                .onCommand(CheckpointLoaded.class, this::rollbackTo)
                .onCommand(CheckpointUnavailable.class, this::rollbackRefused)
                .onCommand(WorkspaceDone.class, (s, c) -> Effect()
                        .persist(workspace.event(c, now()))
                        .thenRun(st -> workspace.answer(c))
                        .thenNoReply())
                .onCommand(Stop.class, (s, c) -> declineStop())
                .onCommand(Exited.class, this::exited)
                .onAnyCommand((s, c) -> Effect().noReply());
        return b.build();
    }

    private ReplyEffect<Event, RunState> dispatch(Empty s, Dispatch c) {
        return Effect()
                .persist(new Dispatched(runId, c.spec(), now()))
                .thenRun(st -> {
                    workspace.baseline(c.spec());
                    launch(((Queued) st).run());
                    if (c.spec().parentId() != null && c.spec().endsWithParent()) {
                        supervisor.tell(
                                new RunSupervisor.CheckParent(runId, c.spec().parentId()));
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, RunState> launch(Run run) {
        process.launch(sink -> {
            workspace.restoreOwed(run.spec()); // a rollback's files come back before the process starts
            return launcher.start(runId, run.spec(), sink);
        });
        return Effect().noReply();
    }

    private ReplyEffect<Event, RunState> launched(Queued s, Launched c) {
        if (!process.launched(c)) {
            return Effect().noReply();
        }
        int attempt = s.run().attempts() + 1;
        timedOut = false;
        Long timeout = s.run().spec().timeoutMs();
        if (timeout != null) {
            timers.startSingleTimer(new TimedOut(attempt), Duration.ofMillis(timeout));
        }
        return recordThenRelease(
                RunSandboxEvents.started(new AttemptStarted(attempt, c.process().pid(), now()), c.process()), st -> {
                    process.startRecorded();
                    agent.attemptStarted(st, c.process());
                });
    }

    private ReplyEffect<Event, RunState> launchFailed(Queued s, LaunchFailed c) {
        process.launchFailed(c);
        boolean retry = !c.sandboxRefused() && s.run().attempted().mayRetry();
        return recordFailedStart(
                RunSandboxEvents.failed(new AttemptFailedToStart(s.run().attempts() + 1, c.reason(), retry, now()), c),
                c.reason(),
                st -> st instanceof Queued,
                this::scheduleNext);
    }

    private void scheduleNext(RunState st) {
        if (st instanceof Queued q) {
            process.launchAfter(settings.backoff(q.run().attempts()));
        }
    }

    /**
     * An exit while queued: of an attempt whose start is not recorded yet (held until it is), or of the
     * process a rollback stopped: its end is recorded, then the attempt that re-does it starts.
     */
    private ReplyEffect<Event, RunState> relaunchAfter(Queued s, Exited c) {
        RunningProcess ending = process.current();
        if (process.exited(c, b -> {}) != SupervisedProcess.Exit.ENDED) {
            return Effect().noReply();
        }
        process.killLeftovers();
        List<Event> events = new ArrayList<>(RunSandboxEvents.ended(s.run().attempts(), ending, now()));
        events.add(new AttemptEnded(s.run().attempts(), c.exitCode(), false, true, now()));
        return Effect()
                .persist(events)
                .thenRun(st -> launch(((Existing) st).run()))
                .thenNoReply();
    }

    private ReplyEffect<Event, RunState> exited(Existing s, Exited c) {
        RunningProcess ending = process.current();
        if (process.exited(c, b -> {}) != SupervisedProcess.Exit.ENDED) {
            return Effect().noReply();
        }
        process.killLeftovers();
        agent.attemptEnded();
        int attempt = s.run().attempts();
        timers.cancel(new TimedOut(attempt));
        List<Event> events = batches(s);
        boolean retry = s.live() && !timedOut && c.exitCode() != 0 && s.run().mayRetry();
        events.addAll(RunSandboxEvents.ended(attempt, ending, now()));
        events.add(new AttemptEnded(attempt, c.exitCode(), timedOut, retry, now()));
        return recordThenRelease(events, st -> {
            scheduleNext(st);
            if (s.live() && st instanceof Finished f && "timed-out".equals(f.outcome())) {
                cascade.start(RunCascade.PARENT_TIMED_OUT, null);
            }
        });
    }

    private ReplyEffect<Event, RunState> timedOut(Running s, TimedOut c) {
        if (c.attempt() != s.run().attempts() || !process.hasProcess()) {
            return Effect().noReply();
        }
        timedOut = true;
        process.terminate(Signal.TERM);
        return Effect().noReply();
    }

    private ReplyEffect<Event, RunState> pause(Running s, Pause c) {
        RunActor.Paused paused = new RunActor.Paused(Ids.newId(), now());
        return record(paused, c, st -> {
            // The timeout is suspended while paused and starts afresh on resume: a debugging pause is no failure.
            timers.cancel(new TimedOut(s.run().attempts()));
            process.signal(Signal.STOP);
            workspace.snapshot(s.run().spec(), paused.checkpointId(), null);
        });
    }

    private ReplyEffect<Event, RunState> resume(RunState.Paused s, Resume c) {
        return record(new Resumed(now()), c, st -> {
            process.signal(Signal.CONT);
            Long timeout = s.run().spec().timeoutMs();
            if (timeout != null) {
                timers.startSingleTimer(new TimedOut(s.run().attempts()), Duration.ofMillis(timeout));
            }
        });
    }

    private ReplyEffect<Event, RunState> cancel(Existing s, Cancel c) {
        return cancelled(s, null, c);
    }

    // ---- the cascade to child runs (ADR-0058) ---------------------------------------------------------

    private ReplyEffect<Event, RunState> parentEnded(Existing s, ParentEnded c) {
        if (!s.run().spec().endsWithParent()) {
            return Effect().reply(c.replyTo(), StatusReply.success(0));
        }
        return cancelled(s, c.reason(), c);
    }

    /**
     * Records the cancel, ends the process, then has the supervisor cancel this run's children; {@code asked}
     * is answered once their count is back. A run still being recovered has no process of its own yet: what
     * the previous daemon left running under its id is reaped instead.
     */
    private ReplyEffect<Event, RunState> cancelled(Existing s, String reason, Replying<?> asked) {
        boolean recovering = process.recovering();
        long osPid = s instanceof Running r ? r.osPid() : s instanceof RunState.Paused p ? p.osPid() : -1;
        return Effect()
                .persist(new Cancelled(now(), reason))
                .thenRun(st -> {
                    process.cancelLaunch();
                    if (recovering) {
                        process.reapOrphans(osPid, runId);
                    } else {
                        process.terminate(Signal.TERM);
                    }
                    cascade.start(RunCascade.PARENT_CANCELLED, asked);
                })
                .thenNoReply();
    }

    private ReplyEffect<Event, RunState> descendantsCancelled(Existing s, DescendantsCancelled c) {
        cascade.answered(c, s.summary());
        return Effect().noReply();
    }

    private ReplyEffect<Event, RunState> checkpoint(Existing s, Checkpoint c) {
        String id = Ids.newId();
        return Effect()
                .persist(new CheckpointTaken(id, c.label(), now()))
                .thenRun(st -> workspace.snapshot(s.run().spec(), id, c.replyTo())) // answers, once files are in
                .thenNoReply();
    }

    private ReplyEffect<Event, RunState> reapOrphans(long osPid) {
        process.reapOrphans(osPid, runId);
        return Effect().noReply();
    }

    private ReplyEffect<Event, RunState> interrupted(Existing s) {
        process.recovered();
        return recordThenRelease(new Interrupted(s.run().mayRetry(), now()), st -> {
            if (st instanceof Queued q) {
                launch(q.run());
            }
        });
    }

    // ---- output -----------------------------------------------------------------------------------

    @Override
    protected List<Event> batches(RunState s) {
        List<Event> events = new ArrayList<>();
        long seq = ((Existing) s).run().nextChunk();
        for (SupervisedProcess.Batch batch : process.batches()) {
            events.add(new OutputRecorded(batch.stream(), seq++, batch.data().length, now(), batch.data()));
        }
        return events;
    }

    // ---- rollback ---------------------------------------------------------------------------------

    private ReplyEffect<Event, RunState> rollback(Existing s, Rollback c) {
        if (process.recovering()) {
            return Effect().reply(c.replyTo(), StatusReply.error(RunRollback.notYet(runId, "is being recovered")));
        }
        rollback.load(c);
        return Effect().noReply();
    }

    private ReplyEffect<Event, RunState> rollbackRefused(Existing s, CheckpointUnavailable c) {
        rollback.answered();
        context.getLog().info("Rollback of run {} refused: {}", runId, c.reason());
        return Effect().reply(c.replyTo(), StatusReply.error(c.reason()));
    }

    private ReplyEffect<Event, RunState> rollbackTo(Existing s, CheckpointLoaded c) {
        rollback.answered();
        RuntimeException refusal = rollback.refusal(c, process);
        if (refusal != null) {
            return Effect().reply(c.replyTo(), StatusReply.error(refusal));
        }
        List<Event> events = batches(s);
        events.add(rollback.rolledBack(c, now()));
        return Effect()
                .persist(events)
                .thenRun(st -> {
                    Run now = ((Existing) st).run();
                    // what the old attempt prints from now on is set aside with the rest
                    process.discardOutput();
                    agent.attemptEnded();
                    process.cancelLaunch();
                    timers.cancel(new TimedOut(now.attempts()));
                    if (process.hasProcess()) {
                        process.terminate(Signal.TERM);
                    } else {
                        launch(now);
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    // ---- passivation ------------------------------------------------------------------------------

    /** Nothing of this run is under way in memory: no process, no start, no unrecorded output, no reply owed. */
    private boolean quiescent() {
        return process.idle() && !rollback.loading() && cascade.idle() && workspace.idle();
    }

    private ReplyEffect<Event, RunState> passivate() {
        supervisor.tell(new RunSupervisor.Passivate(runId));
        return Effect().noReply();
    }

    /** A command came in after this run asked to stop: it stays, and the supervisor lets the held ones through. */
    private ReplyEffect<Event, RunState> declineStop() {
        supervisor.tell(new RunSupervisor.StayAlive(runId));
        return Effect().noReply();
    }

    // ---- event handler: picks the transition that the state owns ----------------------------------

    @Override
    public EventHandler<RunState, Event> eventHandler() {
        EventHandlerBuilder<RunState, Event> b = newEventHandlerBuilder();
        b.forStateType(Empty.class).onEvent(Dispatched.class, Empty::dispatched);
        b.forStateType(Queued.class).onEvent(AttemptStarted.class, Queued::started);
        b.forStateType(Running.class).onEvent(RunActor.Paused.class, (s, e) -> s.paused());
        b.forStateType(RunState.Paused.class).onEvent(Resumed.class, (s, e) -> s.resumed());
        b.forStateType(Existing.class)
                .onEvent(AttemptFailedToStart.class, Existing::failedToStart)
                .onEvent(OutputRecorded.class, (s, e) -> s.outputRecorded())
                .onEvent(RunActor.AgentEvent.class, Existing::agentEvent)
                .onEvent(AttemptEnded.class, Existing::attemptEnded)
                .onEvent(Cancelled.class, Existing::cancelled)
                .onEvent(Interrupted.class, Existing::interrupted)
                // the files a rollback owes the next attempt: owed again after a crash, until restored
                .onEvent(RolledBack.class, (s, e) -> workspace.owed(e, s.rolledBack(e)))
                .onEvent(WorkspaceRestored.class, (s, e) -> workspace.paid(e, s));
        // a checkpoint, or a start, pause or resume that found the run in another phase: nothing changes
        b.forAnyState().onAnyEvent((s, e) -> s);
        return b.build();
    }
}
