package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kaged.actors.process.Orphans;
import io.kaged.actors.process.OutputBuffer;
import io.kaged.actors.process.SerialExecutor;
import io.kaged.actors.process.Signal;
import io.kaged.persistence.serialization.KagedSerializable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One agent run: a command dispatched once, supervised through its attempts, with its output and exit
 * recorded. The dispatch is persisted before anything starts. A non-zero exit (or a crash of the daemon
 * under it) is retried with backoff while attempts remain; a timeout or a cancel sends SIGTERM to the
 * process group, then SIGKILL after a grace, and ends the run. Never two attempts at once: the next one
 * starts only after the previous one's exit is recorded.
 */
public final class RunActor
        extends EventSourcedBehaviorWithEnforcedReplies<RunActor.Command, RunActor.Event, RunActor.State> {

    public static PersistenceId persistenceId(String runId) {
        return PersistenceId.of("run", runId);
    }

    // ---- protocol -------------------------------------------------------------------------------

    public sealed interface Command {}

    public record Dispatch(RunSpec spec, ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    public record Cancel(ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    public record GetSummary(ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    /** SIGSTOP to the process group, recorded, with a checkpoint (a snapshot) of the run. */
    public record Pause(ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    public record Resume(ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    /** A named checkpoint (a snapshot) now; the reply is its id. */
    public record Checkpoint(String label, ActorRef<StatusReply<String>> replyTo) implements Command {}

    /**
     * Back to a checkpoint: the output recorded after it is set aside, and the process starts again from
     * the run's inputs (after the current one, if any, has ended).
     */
    public record Rollback(String checkpointId, ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    private record CheckpointLoaded(
            String checkpointId, long sequenceNr, State state, ActorRef<StatusReply<RunSummary>> replyTo)
            implements Command {}

    private record CheckpointUnavailable(String reason, ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    private enum OrphansReaped implements Command {
        INSTANCE
    }

    private record Launched(int attempt, RunLauncher.Handle handle) implements Command {}

    private record LaunchFailed(int attempt, String reason) implements Command {}

    /** The attempt's {@link OutputBuffer} has bytes waiting (it was empty), or a batch's worth. */
    private record OutputWaiting(int attempt) implements Command {}

    private record Exited(int attempt, int exitCode) implements Command {}

    private record TimedOut(int attempt) implements Command {}

    private record KillIfAlive(long pid) implements Command {}

    private enum Flush implements Command {
        INSTANCE
    }

    private enum StartNext implements Command {
        INSTANCE
    }

    private enum RecoveredLive implements Command {
        INSTANCE
    }

    /** Nothing arrived for {@code kaged.runs.passivate-after}. */
    private enum Idle implements Command {
        INSTANCE
    }

    /** From the supervisor, after this run asked to be passivated: stop now if still idle and finished. */
    enum Stop implements Command {
        INSTANCE
    }

    // ---- events ---------------------------------------------------------------------------------

    public sealed interface Event extends KagedSerializable {}

    public record Dispatched(String runId, RunSpec spec, long at) implements Event {}

    public record AttemptStarted(int attempt, long osPid, long at) implements Event {}

    public record AttemptFailedToStart(int attempt, String reason, boolean willRetry, long at) implements Event {}

    /** A batch of one stream's output; the bytes go to the transcript table, not the journal row. */
    public record OutputRecorded(String stream, long chunkSeq, int size, long at, @JsonIgnore byte[] data)
            implements Event {}

    public record AttemptEnded(int attempt, int exitCode, boolean timedOut, boolean willRetry, long at)
            implements Event {}

    public record Cancelled(long at) implements Event {}

    public record Paused(String checkpointId, long at) implements Event {}

    public record Resumed(long at) implements Event {}

    public record CheckpointTaken(String checkpointId, String label, long at) implements Event {}

    public record Interrupted(boolean willRetry, long at) implements Event {}

    /**
     * The run went back to checkpoint {@code checkpointId} (event {@code checkpointSequenceNr}): output
     * from chunk {@code outputFrom} on is set aside, and the next attempt re-does the checkpoint's.
     */
    public record RolledBack(
            String checkpointId,
            long checkpointSequenceNr,
            String checkpointState,
            int checkpointAttempts,
            boolean attemptWasLive,
            long outputFrom,
            long at)
            implements Event {}

    // ---- state ----------------------------------------------------------------------------------

    /**
     * The run's facts that every phase carries. {@code attempts} counts every process start and never goes
     * back, so an attempt number always names one process; {@code forgiven} is how many of them a rollback
     * took off the retry budget.
     */
    public record Run(String id, RunSpec spec, long createdAt, int attempts, long nextChunk, int forgiven)
            implements KagedSerializable {
        Run attempted() {
            return new Run(id, spec, createdAt, attempts + 1, nextChunk, forgiven);
        }

        Run chunked() {
            return new Run(id, spec, createdAt, attempts, nextChunk + 1, forgiven);
        }

        boolean mayRetry() {
            return attempts - forgiven <= spec.retries();
        }

        /**
         * After a rollback the next attempt counts as the checkpoint's own attempt when one was live there,
         * else as the one after it: the retry budget is as it was at the checkpoint.
         */
        Run rolledBackTo(int checkpointAttempts, boolean attemptWasLive) {
            int budgetNumber = attemptWasLive ? checkpointAttempts : checkpointAttempts + 1;
            return new Run(id, spec, createdAt, attempts, nextChunk, attempts + 1 - budgetNumber);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Empty.class, name = "empty"),
        @JsonSubTypes.Type(value = Queued.class, name = "queued"),
        @JsonSubTypes.Type(value = Running.class, name = "running"),
        @JsonSubTypes.Type(value = PausedRun.class, name = "paused"),
        @JsonSubTypes.Type(value = Finished.class, name = "finished")
    })
    public sealed interface State extends KagedSerializable {
        String label();
    }

    public record Empty() implements State {
        public String label() {
            return "new";
        }
    }

    /** Recorded, waiting for its (next) attempt to start. */
    public record Queued(Run run) implements State {
        public String label() {
            return "queued";
        }
    }

    /** Its process group is stopped (SIGSTOP); reads work, the process makes no progress. */
    public record PausedRun(Run run, long osPid, long startedAt) implements State {
        public String label() {
            return "paused";
        }
    }

    public record Running(Run run, long osPid, long startedAt) implements State {
        public String label() {
            return "running";
        }
    }

    /** Done for good: {@code outcome} is succeeded, failed, cancelled or timed-out. */
    public record Finished(Run run, String outcome, Integer exitCode, long endedAt) implements State {
        public String label() {
            return outcome;
        }
    }

    // ---- runtime ----------------------------------------------------------------------------------

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final String runId;
    private final RunSettings settings;
    private final RunLauncher launcher;
    private final Executor blocking;
    private final SerialExecutor signals;
    private final Clock clock;
    private final ActorRef<RunSupervisor.Command> supervisor;
    /** The current attempt's output not yet recorded; null before the first attempt. */
    private OutputBuffer output;

    private RunLauncher.Handle process;
    /** An exit that arrived before the attempt's start was recorded (a process that ends at once). */
    private Exited earlyExit;

    private boolean timedOut;
    private boolean flushScheduled;
    /** A process start is under way; its Launched or LaunchFailed has not arrived yet. */
    private boolean launching;
    /** Recovered live, and the interruption is not recorded yet. */
    private boolean recovering;
    /** A rollback is waiting for this attempt's process to end before starting the next. */
    private boolean relaunchOnExit;
    /** A rollback is loading its checkpoint; its reply is still owed. */
    private boolean rollbackLoading;

    private RunActor(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            String runId,
            RunSettings settings,
            RunLauncher launcher,
            Executor blocking,
            Clock clock,
            ActorRef<RunSupervisor.Command> supervisor) {
        super(persistenceId(runId));
        this.context = context;
        this.timers = timers;
        this.runId = runId;
        this.settings = settings;
        this.launcher = launcher;
        this.blocking = blocking;
        this.signals = new SerialExecutor(blocking);
        this.clock = clock;
        this.supervisor = supervisor;
        context.setReceiveTimeout(settings.passivateAfter(), Idle.INSTANCE);
    }

    /** @param supervisor asked to passivate this actor once the run has finished and gone idle */
    public static Behavior<Command> create(
            String runId,
            RunSettings settings,
            RunLauncher launcher,
            Executor blocking,
            Clock clock,
            ActorRef<RunSupervisor.Command> supervisor) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new RunActor(ctx, timers, runId, settings, launcher, blocking, clock, supervisor)));
    }

    @Override
    public String journalPluginId() {
        return "kaged.persistence.journal";
    }

    @Override
    public String snapshotPluginId() {
        return "kaged.persistence.snapshot-store";
    }

    @Override
    public State emptyState() {
        return new Empty();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    if (state instanceof Queued || state instanceof Running || state instanceof PausedRun) {
                        recovering = true;
                        context.getSelf().tell(RecoveredLive.INSTANCE);
                    }
                })
                .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), state -> {
                    if (process != null) {
                        process.signal(Signal.KILL);
                    }
                })
                .build();
    }

    private long now() {
        return clock.millis();
    }

    // ---- command handlers -----------------------------------------------------------------------

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Dispatch.class, this::dispatch)
                .onCommand(Cancel.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no such run")))
                .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no such run")))
                // A command that raced a purge reaches a fresh actor of a run with no rows left: answer it.
                .onCommand(Pause.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no such run")))
                .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no such run")))
                .onCommand(Rollback.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no such run")))
                .onCommand(Checkpoint.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no such run")))
                .onCommand(Idle.class, (s, c) -> {
                    supervisor.tell(new RunSupervisor.Passivate(runId));
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
                .onAnyCommand((s, c) -> Effect().noReply());
        b.forStateType(Queued.class)
                .onCommand(StartNext.class, (s, c) -> {
                    launch(s.run());
                    return Effect().noReply();
                })
                .onCommand(Launched.class, this::launched)
                .onCommand(LaunchFailed.class, this::launchFailed)
                // an attempt may have been starting when the daemon died: its pid was never recorded
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(-1))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s.run()));
        b.forStateType(Running.class)
                .onCommand(TimedOut.class, this::timedOut)
                .onCommand(Pause.class, this::pause)
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid()))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s.run()));
        b.forStateType(PausedRun.class)
                .onCommand(Resume.class, this::resume)
                .onCommand(
                        Pause.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("run is already paused")))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid()))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s.run()));
        b.forStateType(Finished.class)
                .onCommand(Launched.class, (s, c) -> {
                    launching = false;
                    signals.execute(() -> c.handle().signal(Signal.KILL));
                    return Effect().noReply();
                })
                .onCommand(Cancel.class, (s, c) -> Effect()
                        .reply(c.replyTo(), StatusReply.error("run has already finished (" + s.outcome() + ")")))
                .onCommand(Idle.class, (s, c) -> {
                    if (quiescent()) {
                        supervisor.tell(new RunSupervisor.Passivate(runId));
                    }
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (s, c) -> quiescent() ? Effect().stop().thenNoReply() : declineStop());
        b.forAnyState()
                .onCommand(
                        Dispatch.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("run already exists")))
                .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(summary(s))))
                .onCommand(Pause.class, (s, c) -> Effect()
                        .reply(
                                c.replyTo(),
                                StatusReply.error("run is " + s.label() + "; only a running run can be paused")))
                .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("run is not paused")))
                .onCommand(Checkpoint.class, this::checkpoint)
                .onCommand(Rollback.class, this::rollback)
                .onCommand(CheckpointLoaded.class, this::rollbackTo)
                .onCommand(CheckpointUnavailable.class, (s, c) -> {
                    rollbackLoading = false;
                    context.getLog().info("Rollback of run {} refused: {}", runId, c.reason());
                    return Effect().reply(c.replyTo(), StatusReply.error(c.reason()));
                })
                .onCommand(LaunchFailed.class, (s, c) -> {
                    launching = false;
                    return Effect().noReply();
                })
                .onCommand(RecoveredLive.class, (s, c) -> {
                    recovering = false;
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (s, c) -> declineStop())
                .onCommand(Cancel.class, this::cancel)
                .onCommand(OutputWaiting.class, this::outputWaiting)
                .onCommand(Flush.class, (s, c) -> flush(s))
                .onCommand(Exited.class, this::exited)
                .onCommand(KillIfAlive.class, (s, c) -> {
                    if (process != null && process.pid() == c.pid()) {
                        RunLauncher.Handle p = process;
                        signals.execute(() -> p.signal(Signal.KILL));
                    }
                    return Effect().noReply();
                })
                .onAnyCommand((s, c) -> Effect().noReply());
        return b.build();
    }

    /** Nothing of this run is under way in memory: no process, no start, no unrecorded output, no reply owed. */
    private boolean quiescent() {
        return process == null
                && !launching
                && !rollbackLoading
                && !flushScheduled
                && (output == null || output.size() == 0);
    }

    /** A command came in after this run asked to stop: it stays, and the supervisor lets the held ones through. */
    private ReplyEffect<Event, State> declineStop() {
        supervisor.tell(new RunSupervisor.StayAlive(runId));
        return Effect().noReply();
    }

    private ReplyEffect<Event, State> dispatch(Empty s, Dispatch c) {
        return Effect()
                .persist(new Dispatched(runId, c.spec(), now()))
                .thenRun(st -> launch(((Queued) st).run()))
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private void launch(Run run) {
        int attempt = run.attempts() + 1;
        launching = true;
        ActorRef<Command> self = context.getSelf();
        OutputBuffer buffer =
                new OutputBuffer(settings.flushBytes(), OUTPUT_BUFFER_BATCHES * (long) settings.flushBytes());
        output = buffer;
        RunLauncher.Sink sink = new RunLauncher.Sink() {
            @Override
            public void output(String stream, byte[] chunk) {
                try {
                    if (buffer.append(stream, chunk)) {
                        self.tell(new OutputWaiting(attempt));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void exited(int exitCode) {
                self.tell(new Exited(attempt, exitCode));
            }
        };
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return launcher.start(runId, run.spec(), sink);
                            } catch (java.io.IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        blocking),
                (handle, failure) -> failure == null
                        ? new Launched(attempt, handle)
                        : new LaunchFailed(attempt, rootMessage(failure)));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private ReplyEffect<Event, State> launched(Queued s, Launched c) {
        launching = false;
        process = c.handle();
        timedOut = false;
        Long timeout = s.run().spec().timeoutMs();
        if (timeout != null) {
            timers.startSingleTimer(new TimedOut(c.attempt()), java.time.Duration.ofMillis(timeout));
        }
        return Effect()
                .persist(new AttemptStarted(c.attempt(), c.handle().pid(), now()))
                .thenRun(st -> {
                    if (earlyExit != null && earlyExit.attempt() == c.attempt()) {
                        context.getSelf().tell(earlyExit);
                    }
                    earlyExit = null;
                })
                .thenNoReply();
    }

    private ReplyEffect<Event, State> launchFailed(Queued s, LaunchFailed c) {
        launching = false;
        boolean retry = s.run().attempted().mayRetry();
        return Effect()
                .persist(new AttemptFailedToStart(c.attempt(), c.reason(), retry, now()))
                .thenRun(this::scheduleNext)
                .thenNoReply();
    }

    private void scheduleNext(State st) {
        if (st instanceof Queued q) {
            timers.startSingleTimer(StartNext.INSTANCE, settings.backoff(q.run().attempts()));
        }
    }

    private ReplyEffect<Event, State> timedOut(Running s, TimedOut c) {
        if (c.attempt() != s.run().attempts() || process == null) {
            return Effect().noReply();
        }
        timedOut = true;
        terminate(process);
        return Effect().noReply();
    }

    private ReplyEffect<Event, State> pause(Running s, Pause c) {
        if (process == null) {
            return Effect().reply(c.replyTo(), StatusReply.error("run is starting; try again in a moment"));
        }
        RunLauncher.Handle p = process;
        // The timeout is suspended while paused and starts afresh on resume: a debugging pause is no failure.
        timers.cancel(new TimedOut(s.run().attempts()));
        signals.execute(() -> p.signal(Signal.STOP));
        return Effect()
                .persist(new Paused(io.kaged.persistence.store.Ids.newId(), now()))
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, State> resume(PausedRun s, Resume c) {
        RunLauncher.Handle p = process;
        if (p != null) {
            signals.execute(() -> p.signal(Signal.CONT));
        }
        Long timeout = s.run().spec().timeoutMs();
        if (timeout != null) {
            timers.startSingleTimer(new TimedOut(s.run().attempts()), java.time.Duration.ofMillis(timeout));
        }
        return Effect().persist(new Resumed(now())).thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, State> checkpoint(State s, Checkpoint c) {
        if (s instanceof Empty) {
            return Effect().reply(c.replyTo(), StatusReply.error("no such run"));
        }
        String id = io.kaged.persistence.store.Ids.newId();
        return Effect()
                .persist(new CheckpointTaken(id, c.label(), now()))
                .thenReply(c.replyTo(), st -> StatusReply.success(id));
    }

    /** Pauses and named checkpoints keep the run's state as a snapshot at that event. */
    @Override
    public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
        return event instanceof Paused || event instanceof CheckpointTaken;
    }

    private void terminate(RunLauncher.Handle p) {
        signals.execute(() -> {
            p.signal(Signal.CONT);
            p.signal(Signal.TERM);
        });
        timers.startSingleTimer(new KillIfAlive(p.pid()), settings.killGrace());
    }

    private ReplyEffect<Event, State> cancel(State s, Cancel c) {
        RunLauncher.Handle p = process;
        return Effect()
                .persist(new Cancelled(now()))
                .thenRun(st -> {
                    relaunchOnExit = false;
                    timers.cancel(StartNext.INSTANCE);
                    if (p != null) {
                        terminate(p);
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    /**
     * A daemon killed under a run leaves its process running without anyone reading it. Before the next
     * attempt, whatever still carries this run's id is stopped: never two attempts at once.
     */
    private ReplyEffect<Event, State> reapOrphans(long osPid) {
        context.pipeToSelf(
                CompletableFuture.runAsync(() -> Orphans.reap(osPid, runId, settings.killGrace()), blocking),
                (ok, failure) -> {
                    if (failure != null) {
                        // not the context's logger: this runs on the future's thread
                        org.slf4j.LoggerFactory.getLogger(RunActor.class)
                                .warn("Could not look for leftover processes of run {}", runId, failure);
                    }
                    return OrphansReaped.INSTANCE;
                });
        return Effect().noReply();
    }

    private ReplyEffect<Event, State> interrupted(Run run) {
        recovering = false;
        boolean retry = run.mayRetry();
        return Effect()
                .persist(new Interrupted(retry, now()))
                .thenRun(st -> {
                    if (st instanceof Queued q) {
                        launch(q.run());
                    }
                })
                .thenNoReply();
    }

    /** How many batches of output an attempt may have waiting before its readers (and so it) wait. */
    private static final int OUTPUT_BUFFER_BATCHES = 16;

    private ReplyEffect<Event, State> outputWaiting(State s, OutputWaiting c) {
        if (s instanceof Empty || output == null) {
            return Effect().noReply();
        }
        if (output.size() >= settings.flushBytes()) {
            return flush(s);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            timers.startSingleTimer(Flush.INSTANCE, settings.flushInterval());
        }
        return Effect().noReply();
    }

    private List<Event> batches(State s) {
        flushScheduled = false;
        timers.cancel(Flush.INSTANCE);
        List<Event> events = new ArrayList<>();
        if (output == null) {
            return events;
        }
        long seq = run(s).nextChunk();
        for (Map.Entry<String, byte[]> e : output.drain().entrySet()) {
            events.add(new OutputRecorded(e.getKey(), seq++, e.getValue().length, now(), e.getValue()));
        }
        return events;
    }

    private ReplyEffect<Event, State> flush(State s) {
        List<Event> events = batches(s);
        return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenNoReply();
    }

    private ReplyEffect<Event, State> exited(State s, Exited c) {
        if (s instanceof Queued q && c.attempt() == q.run().attempts() + 1) {
            earlyExit = c;
            return Effect().noReply();
        }
        if (s instanceof Queued q) {
            return relaunchAfter(q, c);
        }
        if (s instanceof Empty || c.attempt() != run(s).attempts()) {
            return Effect().noReply();
        }
        process = null;
        relaunchOnExit = false;
        timers.cancel(new TimedOut(c.attempt()));
        List<Event> events = batches(s);
        boolean retry =
                (s instanceof Running || s instanceof PausedRun) && !timedOut && c.exitCode() != 0 && run(s).mayRetry();
        events.add(new AttemptEnded(c.attempt(), c.exitCode(), timedOut, retry, now()));
        return Effect().persist(events).thenRun(this::scheduleNext).thenNoReply();
    }

    // ---- rollback ---------------------------------------------------------------------------------

    private ReplyEffect<Event, State> rollback(State s, Rollback c) {
        if (s instanceof Empty) {
            return Effect().reply(c.replyTo(), StatusReply.error("no such run"));
        }
        if (recovering) {
            return Effect()
                    .reply(c.replyTo(), StatusReply.error("run is being recovered after a restart; try again shortly"));
        }
        rollbackLoading = true;
        context.pipeToSelf(checkpoints().load(runId, c.checkpointId()), (loaded, failure) -> {
            if (failure != null) {
                return new CheckpointUnavailable("checkpoint could not be read: " + rootMessage(failure), c.replyTo());
            }
            return loaded.<Command>map(
                            l -> new CheckpointLoaded(c.checkpointId(), l.sequenceNr(), l.state(), c.replyTo()))
                    .orElseGet(() -> new CheckpointUnavailable(
                            "run " + runId + " has no checkpoint " + c.checkpointId(), c.replyTo()));
        });
        return Effect().noReply();
    }

    private RunCheckpoints checkpointReader;

    private RunCheckpoints checkpoints() {
        if (checkpointReader == null) {
            checkpointReader = RunCheckpoints.of(context.getSystem());
        }
        return checkpointReader;
    }

    private ReplyEffect<Event, State> rollbackTo(State s, CheckpointLoaded c) {
        rollbackLoading = false;
        if (!(c.state() instanceof Queued || c.state() instanceof Running || c.state() instanceof PausedRun)) {
            return Effect()
                    .reply(
                            c.replyTo(),
                            StatusReply.error("checkpoint " + c.checkpointId() + " was taken when the run was "
                                    + c.state().label() + "; only a checkpoint of a live run can be rolled back to"));
        }
        if (launching || recovering) {
            return Effect().reply(c.replyTo(), StatusReply.error("run is starting an attempt; try again shortly"));
        }
        Run at = run(c.state());
        List<Event> events = batches(s);
        events.add(new RolledBack(
                c.checkpointId(),
                c.sequenceNr(),
                c.state().label(),
                at.attempts(),
                !(c.state() instanceof Queued),
                at.nextChunk(),
                now()));
        return Effect()
                .persist(events)
                .thenRun(st -> {
                    Run now = run(st);
                    if (output != null) {
                        // what the old attempt prints from now on is set aside with the rest
                        output.close();
                        output = null;
                    }
                    timers.cancel(StartNext.INSTANCE);
                    timers.cancel(new TimedOut(now.attempts()));
                    if (process != null) {
                        relaunchOnExit = true;
                        terminate(process);
                    } else {
                        launch(now);
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    /** The process a rollback stopped has ended: record its end, then start the attempt that re-does it. */
    private ReplyEffect<Event, State> relaunchAfter(Queued s, Exited c) {
        if (!relaunchOnExit || c.attempt() != s.run().attempts()) {
            return Effect().noReply();
        }
        relaunchOnExit = false;
        process = null;
        return Effect()
                .persist(new AttemptEnded(c.attempt(), c.exitCode(), false, true, now()))
                .thenRun(st -> launch(run(st)))
                .thenNoReply();
    }

    private static Run run(State s) {
        if (s instanceof Queued q) {
            return q.run();
        } else if (s instanceof Running r) {
            return r.run();
        } else if (s instanceof PausedRun p) {
            return p.run();
        } else if (s instanceof Finished f) {
            return f.run();
        }
        throw new IllegalStateException("run has no data before it is dispatched");
    }

    private static RunSummary summary(State s) {
        Run r = run(s);
        return new RunSummary(r.id(), s.label(), s instanceof Finished f ? f.exitCode() : null, r.attempts());
    }

    // ---- event handler --------------------------------------------------------------------------

    @Override
    public EventHandler<State, Event> eventHandler() {
        var b = newEventHandlerBuilder();
        b.forStateType(Empty.class)
                .onEvent(Dispatched.class, (s, e) -> new Queued(new Run(e.runId(), e.spec(), e.at(), 0, 1, 0)));
        b.forAnyState()
                .onEvent(
                        AttemptStarted.class,
                        (s, e) -> s instanceof Queued q ? new Running(q.run().attempted(), e.osPid(), e.at()) : s)
                .onEvent(AttemptFailedToStart.class, (s, e) -> {
                    Run r = run(s).attempted();
                    return e.willRetry() ? new Queued(r) : new Finished(r, "failed", null, e.at());
                })
                .onEvent(OutputRecorded.class, (s, e) -> withRun(s, run(s).chunked()))
                .onEvent(AttemptEnded.class, (s, e) -> {
                    if (s instanceof Finished f) {
                        return new Finished(f.run(), f.outcome(), e.exitCode(), f.endedAt());
                    }
                    if (e.willRetry()) {
                        return new Queued(run(s));
                    }
                    String outcome = e.timedOut() ? "timed-out" : e.exitCode() == 0 ? "succeeded" : "failed";
                    return new Finished(run(s), outcome, e.exitCode(), e.at());
                })
                .onEvent(Cancelled.class, (s, e) -> new Finished(run(s), "cancelled", null, e.at()))
                .onEvent(
                        Paused.class,
                        (s, e) -> s instanceof Running r ? new PausedRun(r.run(), r.osPid(), r.startedAt()) : s)
                .onEvent(
                        Resumed.class,
                        (s, e) -> s instanceof PausedRun p ? new Running(p.run(), p.osPid(), p.startedAt()) : s)
                .onEvent(CheckpointTaken.class, (s, e) -> s)
                .onEvent(
                        RolledBack.class,
                        (s, e) -> new Queued(run(s).rolledBackTo(e.checkpointAttempts(), e.attemptWasLive())))
                .onEvent(
                        Interrupted.class,
                        (s, e) ->
                                e.willRetry() ? new Queued(run(s)) : new Finished(run(s), "interrupted", null, e.at()));
        return b.build();
    }

    private static State withRun(State s, Run r) {
        if (s instanceof Queued) {
            return new Queued(r);
        } else if (s instanceof Running running) {
            return new Running(r, running.osPid(), running.startedAt());
        } else if (s instanceof PausedRun paused) {
            return new PausedRun(r, paused.osPid(), paused.startedAt());
        } else if (s instanceof Finished f) {
            return new Finished(r, f.outcome(), f.exitCode(), f.endedAt());
        }
        return s;
    }
}
