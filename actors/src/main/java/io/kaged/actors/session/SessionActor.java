package io.kaged.actors.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kaged.actors.process.OutputBuffer;
import io.kaged.actors.process.ProcessLauncher;
import io.kaged.actors.process.ProcessOutput;
import io.kaged.actors.process.ProcessSpec;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SerialExecutor;
import io.kaged.actors.process.Signal;
import io.kaged.persistence.serialization.KagedSerializable;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
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
 * One terminal session: a process in a pseudo-terminal, its recorded output and its attached clients.
 *
 * <p>Persistent state is the session's life (created, started, paused, exited...) and which output
 * batches are kept. The process handle, the output not yet recorded and the attached clients live only
 * in this incarnation ({@link Runtime}): after a crash the process is gone, which recovery records as
 * {@link Interrupted} before the restart policy decides.
 *
 * <p>Output flows from the pty reader thread into an {@link OutputBuffer}; the actor takes all that
 * waits when told ({@link OutputWaiting}), sends it at once to every attached client, and records it in
 * batches ({@code flush-bytes} or {@code flush-interval}). The buffer holds at most {@code max-unrecorded}
 * bytes and the reader waits beyond that, so a fast process waits for the store instead of filling
 * memory.
 */
public final class SessionActor
        extends EventSourcedBehaviorWithEnforcedReplies<SessionActor.Command, SessionActor.Event, SessionActor.State> {

    public static final String JOURNAL = "kaged.persistence.journal";
    public static final String SNAPSHOTS = "kaged.persistence.snapshot-store";

    /** The one stream of a pty: stdout and stderr arrive merged. */
    private static final String PTY = "pty";

    public static PersistenceId persistenceId(String sessionId) {
        return PersistenceId.of("session", sessionId);
    }

    // ---- protocol -------------------------------------------------------------------------------

    public sealed interface Command {}

    public record Create(SessionSpec spec, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

    public record Input(byte[] data, ActorRef<StatusReply<Done>> replyTo) implements Command {}

    public record Resize(int cols, int rows, ActorRef<StatusReply<Done>> replyTo) implements Command {}

    public record Pause(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

    public record Resume(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

    public record Terminate(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

    public record GetSummary(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

    /** Subscribes {@code client} to live output; the reply says up to which batch scrollback is recorded. */
    public record Attach(ActorRef<ClientFrame> client, ActorRef<StatusReply<Attached>> replyTo) implements Command {}

    public record Detach(ActorRef<ClientFrame> client) implements Command {}

    /** What an attached client receives. */
    public sealed interface ClientFrame {}

    public record OutputFrame(byte[] data) implements ClientFrame {}

    public record EndFrame(String reason) implements ClientFrame {}

    /**
     * @param recordedUpTo batches up to this sequence number are in the transcript table
     * @param unrecorded output after those batches, not yet recorded
     * @param live whether a process is (or will be) there; if not, the client gets scrollback and an end
     */
    public record Attached(long recordedUpTo, byte[] unrecorded, boolean live) {}

    private record Launched(RunningProcess process) implements Command {}

    private record LaunchFailed(String reason) implements Command {}

    /** The process's buffer has output waiting: it was empty, or has just reached a batch's worth. */
    private record OutputWaiting(OutputBuffer buffer) implements Command {}

    /** The process ended; its buffer holds whatever output the actor has not taken yet. */
    private record Exited(int exitCode, OutputBuffer buffer) implements Command {}

    private record KillIfAlive(long pid) implements Command {}

    private enum Flush implements Command {
        INSTANCE
    }

    private enum RestartNow implements Command {
        INSTANCE
    }

    private enum RecoveredLive implements Command {
        INSTANCE
    }

    // ---- events ---------------------------------------------------------------------------------

    public sealed interface Event extends KagedSerializable {}

    public record Created(String sessionId, SessionSpec spec, long at) implements Event {}

    public record ProcessStarted(long osPid, long at) implements Event {}

    public record StartFailed(String reason, boolean willRestart, long at) implements Event {}

    public record Paused(long at) implements Event {}

    public record Resumed(long at) implements Event {}

    public record Resized(int cols, int rows, long at) implements Event {}

    /**
     * A batch of output, recorded in the transcript table by the projection in the same transaction. The
     * bytes themselves are not part of the journal row ({@code data} is not serialized): the transcript
     * table holds them once.
     */
    public record OutputRecorded(
            long chunkSeq, int size, long keepFrom, long keptBytes, long at, @JsonIgnore byte[] data)
            implements Event {}

    public record ProcessExited(int exitCode, boolean willRestart, long at) implements Event {}

    public record Interrupted(boolean willRestart, long at) implements Event {}

    public record Closed(long at) implements Event {}

    // ---- state ----------------------------------------------------------------------------------

    /** The session's facts that every phase carries. */
    public record Session(
            String id, SessionSpec spec, long createdAt, int restarts, int failuresInARow, Transcript transcript)
            implements KagedSerializable {

        Session restarted(boolean healthyRun) {
            return new Session(id, spec, createdAt, restarts + 1, healthyRun ? 0 : failuresInARow + 1, transcript);
        }

        Session withTranscript(Transcript t) {
            return new Session(id, spec, createdAt, restarts, failuresInARow, t);
        }

        Session withSpec(SessionSpec s) {
            return new Session(id, s, createdAt, restarts, failuresInARow, transcript);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Empty.class, name = "empty"),
        @JsonSubTypes.Type(value = Starting.class, name = "starting"),
        @JsonSubTypes.Type(value = Running.class, name = "running"),
        @JsonSubTypes.Type(value = PausedState.class, name = "paused"),
        @JsonSubTypes.Type(value = Ended.class, name = "ended")
    })
    public sealed interface State extends KagedSerializable {
        String label();
    }

    public record Empty() implements State {
        public String label() {
            return "new";
        }

        Starting create(Created e) {
            return new Starting(new Session(e.sessionId(), e.spec(), e.at(), 0, 0, Transcript.EMPTY));
        }
    }

    /** Waiting for the process to start (first start, or a restart after its backoff). */
    public record Starting(Session session) implements State {
        public String label() {
            return "starting";
        }
    }

    public record Running(Session session, long osPid, long startedAt) implements State {
        public String label() {
            return "running";
        }
    }

    public record PausedState(Session session, long osPid, long startedAt) implements State {
        public String label() {
            return "paused";
        }
    }

    /** No process and none coming: {@code how} is exited, closed or interrupted. */
    public record Ended(Session session, String how, Integer exitCode, long endedAt) implements State {
        public String label() {
            return how;
        }
    }

    // ---- runtime (this incarnation only) --------------------------------------------------------

    private static final class Runtime {
        RunningProcess process;
        final ByteArrayOutputStream unrecorded = new ByteArrayOutputStream();
        final Map<ActorRef<ClientFrame>, Boolean> clients = new HashMap<>();
        OutputBuffer output;
        boolean flushScheduled;
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final String sessionId;
    private final SessionSettings settings;
    private final ProcessLauncher launcher;
    private final Executor blocking;
    private final SerialExecutor processIo;
    private final Clock clock;
    private final Runtime runtime;

    private SessionActor(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            String sessionId,
            SessionSettings settings,
            ProcessLauncher launcher,
            Executor blocking,
            Clock clock) {
        super(persistenceId(sessionId));
        this.context = context;
        this.timers = timers;
        this.sessionId = sessionId;
        this.settings = settings;
        this.launcher = launcher;
        this.blocking = blocking;
        this.processIo = new SerialExecutor(blocking);
        this.clock = clock;
        this.runtime = new Runtime();
    }

    /**
     * @param blocking where process starts, pty writes and signals run: they may block
     */
    public static Behavior<Command> create(
            String sessionId, SessionSettings settings, ProcessLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new SessionActor(ctx, timers, sessionId, settings, launcher, blocking, clock)));
    }

    @Override
    public String journalPluginId() {
        return JOURNAL;
    }

    @Override
    public String snapshotPluginId() {
        return SNAPSHOTS;
    }

    @Override
    public State emptyState() {
        return new Empty();
    }

    /** A pause is a checkpoint: the state at that event is kept as a snapshot. */
    @Override
    public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
        return event instanceof Paused;
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    if (state instanceof Starting || state instanceof Running || state instanceof PausedState) {
                        context.getSelf().tell(RecoveredLive.INSTANCE);
                    }
                })
                .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), state -> {
                    // The actor is going away (daemon stopping, purge): its process must not outlive it.
                    if (runtime.process != null) {
                        io.kaged.actors.process.Signals.sendToGroup(runtime.process.pid(), Signal.KILL);
                    }
                    if (runtime.output != null) {
                        runtime.output.close(); // a reader waiting for room must not wait forever
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
                .onCommand(Create.class, this::create)
                .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Attach.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Input.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Resize.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Pause.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Terminate.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onAnyCommand((s, c) -> Effect().noReply());
        b.forStateType(Starting.class)
                .onCommand(Launched.class, this::launched)
                .onCommand(LaunchFailed.class, this::launchFailed)
                .onCommand(RestartNow.class, (s, c) -> launchNow(s))
                .onCommand(RecoveredLive.class, (s, c) -> interrupted(s.session()))
                .onCommand(Resize.class, (s, c) -> resize(s.session(), c))
                .onCommand(Input.class, (s, c) -> Effect()
                        .reply(c.replyTo(), StatusReply.error("session is starting; send input once it is running")));
        b.forStateType(Running.class)
                .onCommand(Input.class, this::input)
                .onCommand(Pause.class, this::pause)
                .onCommand(
                        Resume.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("session is not paused")))
                .onCommand(Resize.class, (s, c) -> resize(s.session(), c))
                .onCommand(RecoveredLive.class, (s, c) -> interrupted(s.session()));
        b.forStateType(PausedState.class)
                .onCommand(Input.class, (s, c) -> Effect()
                        .reply(c.replyTo(), StatusReply.error("session is paused; resume it before sending input")))
                .onCommand(Pause.class, (s, c) -> Effect()
                        .reply(c.replyTo(), StatusReply.error("session is already paused")))
                .onCommand(Resume.class, this::resume)
                .onCommand(Resize.class, (s, c) -> resize(s.session(), c))
                .onCommand(RecoveredLive.class, (s, c) -> interrupted(s.session()));
        b.forStateType(Ended.class)
                .onCommand(Input.class, (s, c) -> Effect().reply(c.replyTo(), ended(s)))
                .onCommand(Resize.class, (s, c) -> Effect().reply(c.replyTo(), ended(s)))
                .onCommand(Pause.class, (s, c) -> Effect().reply(c.replyTo(), ended(s)))
                .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), ended(s)))
                .onCommand(Terminate.class, (s, c) -> Effect().reply(c.replyTo(), ended(s)))
                .onCommand(Launched.class, (s, c) -> {
                    signal(c.process(), Signal.KILL);
                    return Effect().noReply();
                });
        b.forAnyState()
                .onCommand(Create.class, (s, c) -> Effect()
                        .reply(c.replyTo(), StatusReply.error("session already exists")))
                .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(summary(s))))
                .onCommand(Pause.class, (s, c) -> Effect()
                        .reply(
                                c.replyTo(),
                                StatusReply.error(
                                        "session is " + s.label() + "; only a running session can be paused")))
                .onCommand(
                        Resume.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("session is not paused")))
                .onCommand(Terminate.class, this::terminate)
                .onCommand(Attach.class, this::attach)
                .onCommand(Detach.class, (s, c) -> {
                    runtime.clients.remove(c.client());
                    return Effect().noReply();
                })
                .onCommand(OutputWaiting.class, this::outputWaiting)
                .onCommand(Flush.class, (s, c) -> flush(s))
                .onCommand(Exited.class, this::exited)
                .onCommand(KillIfAlive.class, (s, c) -> {
                    if (runtime.process != null && runtime.process.pid() == c.pid()) {
                        signal(runtime.process, Signal.KILL);
                    }
                    return Effect().noReply();
                })
                .onAnyCommand((s, c) -> Effect().noReply());
        return b.build();
    }

    private static <T> StatusReply<T> notFound() {
        return StatusReply.error("no such session");
    }

    private static <T> StatusReply<T> ended(Ended s) {
        return StatusReply.error(
                "session has ended (" + s.how() + (s.exitCode() != null ? ", exit code " + s.exitCode() : "") + ")");
    }

    private ReplyEffect<Event, State> create(Empty s, Create c) {
        return Effect()
                .persist(new Created(sessionId, c.spec(), now()))
                .thenRun(st -> launch(((Starting) st).session().spec()))
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private void launch(SessionSpec spec) {
        ProcessSpec ps = new ProcessSpec(spec.command(), spec.cwd(), spec.env(), spec.cols(), spec.rows());
        ActorRef<Command> self = context.getSelf();
        OutputBuffer buffer = new OutputBuffer(settings.flushBytes(), settings.maxUnrecordedBytes());
        runtime.output = buffer;
        ProcessOutput sink = new ProcessOutput() {
            @Override
            public void output(byte[] chunk) throws InterruptedException {
                if (buffer.append(PTY, chunk)) {
                    self.tell(new OutputWaiting(buffer));
                }
            }

            @Override
            public void exited(int exitCode) {
                self.tell(new Exited(exitCode, buffer));
            }
        };
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return launcher.start(ps, sink);
                            } catch (java.io.IOException e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        },
                        blocking),
                (process, failure) -> failure == null ? new Launched(process) : new LaunchFailed(rootMessage(failure)));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private ReplyEffect<Event, State> launched(Starting s, Launched c) {
        runtime.process = c.process();
        return Effect().persist(new ProcessStarted(c.process().pid(), now())).thenNoReply();
    }

    private ReplyEffect<Event, State> launchFailed(Starting s, LaunchFailed c) {
        boolean restart = s.session().spec().restart().restarts(null);
        context.getLog().warn("Session {} could not start: {}", sessionId, c.reason());
        return Effect()
                .persist(new StartFailed(c.reason(), restart, now()))
                .thenRun(st -> scheduleRestart(st))
                .thenNoReply();
    }

    private ReplyEffect<Event, State> launchNow(Starting s) {
        launch(s.session().spec());
        return Effect().noReply();
    }

    private void scheduleRestart(State st) {
        if (st instanceof Starting starting) {
            Duration delay =
                    settings.backoff().delay(Math.max(0, starting.session().failuresInARow() - 1));
            context.getLog().info("Session {} restarts in {} ms", sessionId, delay.toMillis());
            timers.startSingleTimer(RestartNow.INSTANCE, delay);
        }
    }

    private ReplyEffect<Event, State> interrupted(Session s) {
        boolean restart = s.spec().restart().restarts(null);
        return Effect()
                .persist(new Interrupted(restart, now()))
                .thenRun(st -> {
                    if (st instanceof Starting) {
                        launch(s.spec());
                    }
                })
                .thenNoReply();
    }

    private ReplyEffect<Event, State> input(Running s, Input c) {
        RunningProcess p = runtime.process;
        if (p == null) {
            return Effect().reply(c.replyTo(), StatusReply.error("session is starting; send input once it is running"));
        }
        processIo.execute(() -> p.write(c.data()));
        return Effect().reply(c.replyTo(), StatusReply.ack());
    }

    private ReplyEffect<Event, State> resize(Session s, Resize c) {
        RunningProcess p = runtime.process;
        return Effect()
                .persist(new Resized(c.cols(), c.rows(), now()))
                .thenRun(st -> {
                    if (p != null) {
                        processIo.execute(() -> p.resize(c.cols(), c.rows()));
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.ack());
    }

    private ReplyEffect<Event, State> pause(Running s, Pause c) {
        if (runtime.process == null) {
            return Effect().reply(c.replyTo(), StatusReply.error("session is recovering; try again in a moment"));
        }
        signal(runtime.process, Signal.STOP);
        return Effect().persist(new Paused(now())).thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, State> resume(PausedState s, Resume c) {
        signal(runtime.process, Signal.CONT);
        return Effect().persist(new Resumed(now())).thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, State> terminate(State s, Terminate c) {
        RunningProcess p = runtime.process;
        return Effect()
                .persist(new Closed(now()))
                .thenRun(st -> {
                    timers.cancel(RestartNow.INSTANCE);
                    if (p != null) {
                        signal(p, Signal.CONT);
                        signal(p, Signal.HUP);
                        signal(p, Signal.TERM);
                        timers.startSingleTimer(new KillIfAlive(p.pid()), settings.killGrace());
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private void signal(RunningProcess p, Signal signal) {
        if (p != null) {
            processIo.execute(() -> p.signal(signal));
        }
    }

    private ReplyEffect<Event, State> attach(State s, Attach c) {
        boolean live = !(s instanceof Ended) || runtime.process != null;
        if (live) {
            runtime.clients.put(c.client(), Boolean.TRUE);
            context.watchWith(c.client(), new Detach(c.client()));
        }
        long recordedUpTo = session(s).transcript().nextSeq() - 1;
        return Effect()
                .reply(
                        c.replyTo(),
                        StatusReply.success(new Attached(recordedUpTo, runtime.unrecorded.toByteArray(), live)));
    }

    private ReplyEffect<Event, State> outputWaiting(State s, OutputWaiting c) {
        take(c.buffer());
        if (runtime.unrecorded.size() >= settings.flushBytes()) {
            return flush(s);
        }
        if (!runtime.flushScheduled) {
            runtime.flushScheduled = true;
            timers.startSingleTimer(Flush.INSTANCE, settings.flushInterval());
        }
        return Effect().noReply();
    }

    /**
     * Takes the output waiting in {@code buffer}: to every attached client now, in frames no larger than
     * a read (a client's queue is bounded in frames), and to the batch being gathered for the transcript.
     */
    private void take(OutputBuffer buffer) {
        byte[] chunk = buffer.drain().get(PTY);
        if (chunk == null) {
            return;
        }
        runtime.unrecorded.writeBytes(chunk);
        if (runtime.clients.isEmpty()) {
            return;
        }
        for (byte[] part : slices(chunk, settings.readBufferBytes())) {
            OutputFrame frame = new OutputFrame(part);
            runtime.clients.keySet().forEach(client -> client.tell(frame));
        }
    }

    /** {@code bytes} in order, in pieces of at most {@code size}; itself when it fits. */
    private static List<byte[]> slices(byte[] bytes, int size) {
        if (bytes.length <= size) {
            return List.of(bytes);
        }
        List<byte[]> slices = new ArrayList<>(bytes.length / size + 1);
        for (int from = 0; from < bytes.length; from += size) {
            slices.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size)));
        }
        return slices;
    }

    /**
     * The gathered output as batches of at most {@code flush-bytes} each, so a large take still keeps the
     * transcript within its scrollback bound batch by batch.
     */
    private List<Event> nextBatches(State s) {
        byte[] all = runtime.unrecorded.toByteArray();
        runtime.unrecorded.reset();
        runtime.flushScheduled = false;
        timers.cancel(Flush.INSTANCE);
        Transcript t = session(s).transcript();
        List<Event> batches = new ArrayList<>();
        for (byte[] data : slices(all, settings.flushBytes())) {
            long seq = t.nextSeq();
            long keepFrom = t.keepFrom(data.length, settings.scrollbackBytes());
            t = t.append(seq, data.length, keepFrom);
            batches.add(new OutputRecorded(seq, data.length, keepFrom, t.bytes(), now(), data));
        }
        return batches;
    }

    private ReplyEffect<Event, State> flush(State s) {
        if (runtime.unrecorded.size() == 0 || s instanceof Empty) {
            runtime.flushScheduled = false;
            return Effect().noReply();
        }
        return Effect().persist(nextBatches(s)).thenNoReply();
    }

    private ReplyEffect<Event, State> exited(State s, Exited c) {
        runtime.process = null;
        take(c.buffer());
        List<Event> events = new ArrayList<>();
        if (runtime.unrecorded.size() > 0 && !(s instanceof Empty)) {
            events.addAll(nextBatches(s));
        }
        boolean restart = !(s instanceof Ended) && session(s).spec().restart().restarts(c.exitCode());
        events.add(new ProcessExited(c.exitCode(), restart, now()));
        return Effect()
                .persist(events)
                .thenRun(st -> {
                    if (st instanceof Ended ended) {
                        EndFrame end = new EndFrame("session " + ended.how() + " (exit code " + c.exitCode() + ")");
                        runtime.clients.keySet().forEach(client -> client.tell(end));
                        runtime.clients.clear();
                    } else {
                        scheduleRestart(st);
                    }
                })
                .thenNoReply();
    }

    private static Session session(State s) {
        if (s instanceof Starting st) {
            return st.session();
        } else if (s instanceof Running r) {
            return r.session();
        } else if (s instanceof PausedState p) {
            return p.session();
        } else if (s instanceof Ended e) {
            return e.session();
        }
        throw new IllegalStateException("session has no data before it is created");
    }

    private Summary summary(State s) {
        Session d = session(s);
        Long pid = s instanceof Running r ? Long.valueOf(r.osPid()) : s instanceof PausedState p ? p.osPid() : null;
        Integer exit = s instanceof Ended e ? e.exitCode() : null;
        return new Summary(
                d.id(),
                s.label(),
                pid,
                exit,
                d.restarts(),
                d.spec().cols(),
                d.spec().rows(),
                d.transcript().bytes());
    }

    // ---- event handler --------------------------------------------------------------------------

    @Override
    public EventHandler<State, Event> eventHandler() {
        var b = newEventHandlerBuilder();
        b.forStateType(Empty.class).onEvent(Created.class, Empty::create);
        b.forAnyState()
                .onEvent(ProcessStarted.class, (s, e) -> new Running(session(s), e.osPid(), e.at()))
                .onEvent(
                        StartFailed.class,
                        (s, e) -> e.willRestart()
                                ? new Starting(session(s).restarted(false))
                                : new Ended(session(s), "exited", null, e.at()))
                .onEvent(
                        Paused.class,
                        (s, e) -> s instanceof Running r ? new PausedState(r.session(), r.osPid(), r.startedAt()) : s)
                .onEvent(
                        Resumed.class,
                        (s, e) -> s instanceof PausedState p ? new Running(p.session(), p.osPid(), p.startedAt()) : s)
                .onEvent(
                        Resized.class,
                        (s, e) -> withSession(
                                s, session(s).withSpec(session(s).spec().withSize(e.cols(), e.rows()))))
                .onEvent(
                        OutputRecorded.class,
                        (s, e) -> withSession(
                                s,
                                session(s)
                                        .withTranscript(
                                                session(s).transcript().append(e.chunkSeq(), e.size(), e.keepFrom()))))
                .onEvent(ProcessExited.class, this::applyExit)
                .onEvent(
                        Interrupted.class,
                        (s, e) -> e.willRestart()
                                ? new Starting(session(s).restarted(false))
                                : new Ended(session(s), "interrupted", null, e.at()))
                .onEvent(Closed.class, (s, e) -> new Ended(session(s), "closed", null, e.at()));
        return b.build();
    }

    private State applyExit(State s, ProcessExited e) {
        if (s instanceof Ended ended) {
            return new Ended(ended.session(), ended.how(), e.exitCode(), ended.endedAt());
        }
        if (!e.willRestart()) {
            return new Ended(session(s), "exited", e.exitCode(), e.at());
        }
        long startedAt = s instanceof Running r ? r.startedAt() : s instanceof PausedState p ? p.startedAt() : e.at();
        boolean healthy = settings.backoff().ranLongEnough(Duration.ofMillis(e.at() - startedAt));
        return new Starting(session(s).restarted(healthy));
    }

    private static State withSession(State s, Session d) {
        if (s instanceof Starting) {
            return new Starting(d);
        } else if (s instanceof Running r) {
            return new Running(d, r.osPid(), r.startedAt());
        } else if (s instanceof PausedState p) {
            return new PausedState(d, p.osPid(), p.startedAt());
        } else if (s instanceof Ended e) {
            return new Ended(d, e.how(), e.exitCode(), e.endedAt());
        }
        return s;
    }
}
