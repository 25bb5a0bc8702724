package io.kaged.actors.run;

import io.kaged.actors.process.Orphans;
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
 * The run actor's behaviour: which handler takes each command in each phase of {@link RunState}, and which
 * transition of the state each event is. The handlers of an attempt's lifecycle are here: the dispatch is
 * persisted before anything starts; a non-zero exit (or a crash of the daemon under it) is retried with
 * backoff while attempts remain; a timeout sends SIGTERM to the process group, then SIGKILL after a grace,
 * and ends the run. Never two attempts at once: the next one starts only after the previous one's exit is
 * recorded. The rest is in classes by role: the operator's pause, resume, cancel and checkpoint in {@link
 * RunControls}, a rollback in {@link RunRollback}, the workspace's files in {@link RunWorkspace}, the
 * cascade to child runs in {@link RunCascade}, an ACP agent in {@link RunAgent}, the process itself in
 * {@link SupervisedProcess}.
 */
final class RunBehavior extends ProcessBehavior<Event, RunState, RunSummary> {

    private final String runId;
    private final RunSettings settings;
    private final RunLauncher launcher;
    private final ActorRef<RunSupervisor.Command> supervisor;
    private final RunCascade cascade;
    private final RunWorkspace workspace;
    private final RunAgent agent;
    private final RunControls controls;
    private final RunRollback rollback;

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
        this.cascade = new RunCascade(context, runId, supervisor, settings.cascadeWait());
        this.agent = new RunAgent(runId, context, blocking, clock, process, this::Effect, supervisor);
        this.controls = new RunControls(runId, this, process, timers, workspace, cascade);
        this.rollback = new RunRollback(context, timers, runId, this, process, workspace, agent);
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
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(-1, Orphans.RUN, runId))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(Running.class)
                .onCommand(TimedOut.class, this::timedOut)
                .onCommand(Pause.class, (s, c) -> needsProcess(c, () -> controls.pause(s, c)))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid(), Orphans.RUN, runId))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(RunState.Paused.class)
                .onCommand(Resume.class, (s, c) -> needsProcess(c, () -> controls.resume(s, c)))
                .onCommand(Pause.class, (s, c) -> refuse(c, "run is already paused"))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid(), Orphans.RUN, runId))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(Finished.class)
                .onCommand(Launched.class, (s, c) -> {
                    process.discard(c);
                    return Effect().noReply();
                })
                .onCommand(Cancel.class, (s, c) -> refuse(c, "run has already finished (" + s.outcome() + ")"))
                .onCommand(ParentEnded.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(0)))
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
                .onCommand(Cancel.class, (s, c) -> inTurn(c, () -> controls.cancel(s, c)))
                .onCommand(ParentEnded.class, controls::parentEnded)
                .onCommand(DescendantsCancelled.class, controls::descendantsCancelled)
                .onCommand(Checkpoint.class, controls::checkpoint)
                .onCommand(Rollback.class, rollback::asked)
                .onCommand(CheckpointLoaded.class, rollback::loaded)
                .onCommand(CheckpointUnavailable.class, rollback::unavailable)
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

    /** Starts the run's next attempt; a rollback's files come back first. */
    ReplyEffect<Event, RunState> launch(Run run) {
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
