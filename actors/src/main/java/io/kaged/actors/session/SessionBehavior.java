package io.kaged.actors.session;

import io.kaged.actors.process.Orphans;
import io.kaged.actors.process.ProcessBehavior;
import io.kaged.actors.process.ProcessLauncher;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.ProcessReport.Exited;
import io.kaged.actors.process.ProcessReport.LaunchDue;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.ProcessReport.Launched;
import io.kaged.actors.process.ProcessReport.OrphansReaped;
import io.kaged.actors.process.ProcessReport.RecoveredLive;
import io.kaged.actors.process.ProcessSpec;
import io.kaged.actors.process.Replying;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.session.SessionActor.Attach;
import io.kaged.actors.session.SessionActor.Attached;
import io.kaged.actors.session.SessionActor.ClientFrame;
import io.kaged.actors.session.SessionActor.Closed;
import io.kaged.actors.session.SessionActor.Create;
import io.kaged.actors.session.SessionActor.Created;
import io.kaged.actors.session.SessionActor.Detach;
import io.kaged.actors.session.SessionActor.EndFrame;
import io.kaged.actors.session.SessionActor.Event;
import io.kaged.actors.session.SessionActor.GetSummary;
import io.kaged.actors.session.SessionActor.Input;
import io.kaged.actors.session.SessionActor.Interrupted;
import io.kaged.actors.session.SessionActor.OutputFrame;
import io.kaged.actors.session.SessionActor.OutputRecorded;
import io.kaged.actors.session.SessionActor.Pause;
import io.kaged.actors.session.SessionActor.ProcessExited;
import io.kaged.actors.session.SessionActor.ProcessStarted;
import io.kaged.actors.session.SessionActor.Resize;
import io.kaged.actors.session.SessionActor.Resized;
import io.kaged.actors.session.SessionActor.Restart;
import io.kaged.actors.session.SessionActor.Restarted;
import io.kaged.actors.session.SessionActor.Resume;
import io.kaged.actors.session.SessionActor.Resumed;
import io.kaged.actors.session.SessionActor.StartFailed;
import io.kaged.actors.session.SessionActor.Terminate;
import io.kaged.actors.session.SessionState.Empty;
import io.kaged.actors.session.SessionState.Ended;
import io.kaged.actors.session.SessionState.Existing;
import io.kaged.actors.session.SessionState.Running;
import io.kaged.actors.session.SessionState.Starting;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The session actor's handlers, per phase of {@link SessionState}: each validates, persists and replies.
 * What it adds to the {@link SupervisedProcess} it shares with runs: a pty, input and resize, attached
 * clients that see output before it is recorded, a transcript bounded by the scrollback, and a restart
 * policy. After a crash the process is gone, which recovery records as {@link Interrupted} before the
 * restart policy decides.
 */
final class SessionBehavior extends ProcessBehavior<Event, SessionState, SessionSummary> {

    /** The one stream of a pty: stdout and stderr arrive merged. */
    private static final String PTY = "pty";

    private final String sessionId;
    private final SessionSettings settings;
    private final ProcessLauncher launcher;
    private final SessionWorkspace workspace;
    /** Attached clients: they get output as it is taken, before it is recorded. */
    private final Set<ActorRef<ClientFrame>> clients = new HashSet<>();

    private SessionBehavior(
            ActorContext<ProcessMessage> context,
            TimerScheduler<ProcessMessage> timers,
            String sessionId,
            SessionSettings settings,
            ProcessLauncher launcher,
            Executor blocking,
            Clock clock) {
        super(SessionActor.persistenceId(sessionId), context, timers, blocking, clock, settings.process());
        this.sessionId = sessionId;
        this.settings = settings;
        this.launcher = launcher;
        this.workspace = new SessionWorkspace(context, sessionId, blocking);
    }

    static Behavior<SessionActor.Command> create(
            String sessionId, SessionSettings settings, ProcessLauncher launcher, Executor blocking, Clock clock) {
        return ProcessBehavior.create(
                (ctx, timers) -> new SessionBehavior(ctx, timers, sessionId, settings, launcher, blocking, clock));
    }

    @Override
    public SessionState emptyState() {
        return new Empty();
    }

    /** A pause is a checkpoint: the state at that event is kept as a snapshot. */
    @Override
    public boolean shouldSnapshot(SessionState state, Event event, long sequenceNr) {
        return event instanceof SessionActor.Paused;
    }

    @Override
    protected SessionSummary summary(SessionState state) {
        return ((Existing) state).summary();
    }

    @Override
    protected boolean live(SessionState state) {
        return state instanceof Existing && !(state instanceof Ended);
    }

    // ---- command handlers, per phase --------------------------------------------------------------

    @Override
    public CommandHandlerWithReply<ProcessMessage, Event, SessionState> commandHandler() {
        CommandHandlerWithReplyBuilder<ProcessMessage, Event, SessionState> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Create.class, this::create)
                .onCommand(Replying.class, (s, c) -> refuse(c, "no such session"))
                .onAnyCommand((s, c) -> Effect().noReply());
        b.forStateType(Starting.class)
                .onCommand(Launched.class, this::launched)
                .onCommand(LaunchFailed.class, this::launchFailed)
                .onCommand(LaunchDue.class, (s, c) -> launch(s.session().spec()))
                // a start may have been under way when the daemon died: its pid was never recorded
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(-1, Orphans.SESSION, sessionId))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s))
                // no process yet: these wait for it, in order (ADR-0057)
                .onCommand(Input.class, (s, c) -> await(c))
                .onCommand(Resize.class, (s, c) -> await(c))
                .onCommand(Pause.class, (s, c) -> await(c))
                .onCommand(Resume.class, (s, c) -> await(c));
        b.forStateType(Running.class)
                .onCommand(Input.class, (s, c) -> needsProcess(c, () -> input(s, c)))
                .onCommand(Pause.class, (s, c) -> needsProcess(c, () -> pause(s, c)))
                .onCommand(Resume.class, (s, c) -> refuse(c, "session is not paused"))
                .onCommand(Resize.class, (s, c) -> needsProcess(c, () -> resize(s, c)))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid(), Orphans.SESSION, sessionId))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(SessionState.Paused.class)
                .onCommand(Input.class, (s, c) -> refuse(c, "session is paused; resume it before sending input"))
                .onCommand(Pause.class, (s, c) -> refuse(c, "session is already paused"))
                .onCommand(Resume.class, (s, c) -> needsProcess(c, () -> resume(s, c)))
                .onCommand(Resize.class, (s, c) -> needsProcess(c, () -> resize(s, c)))
                .onCommand(RecoveredLive.class, (s, c) -> reapOrphans(s.osPid(), Orphans.SESSION, sessionId))
                .onCommand(OrphansReaped.class, (s, c) -> interrupted(s));
        b.forStateType(Ended.class)
                .onCommand(Input.class, (s, c) -> refuse(c, ended(s)))
                .onCommand(Resize.class, (s, c) -> refuse(c, ended(s)))
                .onCommand(Pause.class, (s, c) -> refuse(c, ended(s)))
                .onCommand(Resume.class, (s, c) -> refuse(c, ended(s)))
                .onCommand(Terminate.class, (s, c) -> refuse(c, ended(s)))
                .onCommand(Restart.class, this::restart)
                .onCommand(Launched.class, (s, c) -> {
                    process.discard(c);
                    return Effect().noReply();
                });
        housekeeping(b.forStateType(Existing.class))
                .onCommand(Create.class, (s, c) -> refuse(c, "session already exists"))
                .onCommand(
                        SessionActor.WorkspaceSnapshotTaken.class,
                        (s, c) -> Effect().persist(workspace.event(c, now())).thenNoReply())
                .onCommand(GetSummary.class, (s, c) -> answer(c, s))
                .onCommand(
                        Pause.class,
                        (s, c) -> refuse(c, "session is " + s.label() + "; only a running session can be paused"))
                .onCommand(Resume.class, (s, c) -> refuse(c, "session is not paused"))
                .onCommand(
                        Restart.class,
                        (s, c) -> refuse(
                                c,
                                "session is " + s.label() + "; only an ended or interrupted session can be restarted"))
                .onCommand(Terminate.class, (s, c) -> inTurn(c, () -> terminate(s, c)))
                .onCommand(Attach.class, this::attach)
                .onCommand(Detach.class, (s, c) -> {
                    clients.remove(c.client());
                    return Effect().noReply();
                })
                .onCommand(Exited.class, this::exited)
                .onAnyCommand((s, c) -> Effect().noReply());
        return b.build();
    }

    private static String ended(Ended s) {
        return "session has ended (" + s.how() + (s.exitCode() != null ? ", exit code " + s.exitCode() : "") + ")";
    }

    private ReplyEffect<Event, SessionState> create(Empty s, Create c) {
        return Effect()
                .persist(new Created(sessionId, c.spec(), now()))
                .thenRun(st -> {
                    launch(((Starting) st).session().spec());
                    workspace.baseline(c.spec());
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, SessionState> launch(SessionSpec spec) {
        // the marker the next daemon reaps by if this one dies under the session (ADR-0077)
        Map<String, String> env = new HashMap<>(spec.env());
        env.put(Orphans.SESSION, sessionId);
        ProcessSpec ps = new ProcessSpec(
                spec.command(), spec.cwd(), env, spec.cols(), spec.rows(), spec.sandbox(), spec.secretEnv());
        process.launch(sink -> launcher.start(ps, sink.as(PTY)));
        return Effect().noReply();
    }

    private ReplyEffect<Event, SessionState> launched(Starting s, Launched c) {
        if (!process.launched(c)) {
            return Effect().noReply();
        }
        return recordThenRelease(
                SessionSandboxEvents.started(new ProcessStarted(c.process().pid(), now()), c.process()),
                st -> process.startRecorded());
    }

    private ReplyEffect<Event, SessionState> launchFailed(Starting s, LaunchFailed c) {
        process.launchFailed(c);
        boolean restart = !c.sandboxRefused() && s.session().spec().restart().restarts(null);
        context.getLog().warn("Session {} could not start: {}", sessionId, c.reason());
        return recordFailedStart(
                SessionSandboxEvents.failed(new StartFailed(c.reason(), restart, now()), c),
                c.reason(),
                st -> st instanceof Starting,
                this::scheduleRestart);
    }

    private void scheduleRestart(SessionState st) {
        if (st instanceof Starting starting) {
            Duration delay =
                    settings.backoff().delay(Math.max(0, starting.session().failuresInARow() - 1));
            context.getLog().info("Session {} restarts in {} ms", sessionId, delay.toMillis());
            process.launchAfter(delay);
        }
    }

    private ReplyEffect<Event, SessionState> interrupted(Existing s) {
        process.recovered();
        boolean restart = s.session().spec().restart().restarts(null);
        return recordThenRelease(new Interrupted(restart, now()), st -> {
            if (st instanceof Starting) {
                launch(s.session().spec());
            }
        });
    }

    private ReplyEffect<Event, SessionState> input(Running s, Input c) {
        process.write(c.data());
        return Effect().reply(c.replyTo(), StatusReply.ack());
    }

    private ReplyEffect<Event, SessionState> resize(Existing s, Resize c) {
        return Effect()
                .persist(new Resized(c.cols(), c.rows(), now()))
                .thenRun(st -> process.resize(c.cols(), c.rows()))
                .thenReply(c.replyTo(), st -> StatusReply.ack());
    }

    private ReplyEffect<Event, SessionState> pause(Running s, Pause c) {
        String checkpointId = io.kaged.persistence.store.Ids.newId();
        return record(new SessionActor.Paused(now(), checkpointId), c, st -> {
            process.signal(Signal.STOP);
            workspace.snapshot(s.session().spec(), checkpointId); // the files are still while it is stopped
        });
    }

    private ReplyEffect<Event, SessionState> resume(SessionState.Paused s, Resume c) {
        return record(new Resumed(now()), c, st -> process.signal(Signal.CONT));
    }

    private ReplyEffect<Event, SessionState> restart(Ended s, Restart c) {
        if (process.hasProcess()) {
            // closed, its process still on its way out (kill grace): the restart waits for the exit, which
            // hands it back, rather than telling the operator to try again
            return await(c);
        }
        return Effect()
                .persist(new Restarted(now()))
                .thenRun(st -> launch(s.session().spec()))
                .thenReply(c.replyTo(), st -> StatusReply.success(summary(st)));
    }

    private ReplyEffect<Event, SessionState> terminate(Existing s, Terminate c) {
        return end(new Closed(now()), c, Signal.HUP, Signal.TERM);
    }

    // ---- output and clients -----------------------------------------------------------------------

    private ReplyEffect<Event, SessionState> attach(Existing s, Attach c) {
        boolean live = !(s instanceof Ended) || process.hasProcess();
        if (live) {
            clients.add(c.client());
            context.watchWith(c.client(), new Detach(c.client()));
        }
        Transcript t = s.session().transcript();
        return Effect()
                .reply(
                        c.replyTo(),
                        StatusReply.success(new Attached(t.nextSeq() - 1, process.unrecorded(PTY), live, t.written())));
    }

    /** Output as it is taken, to every attached client, in frames no larger than a read (their queues count frames). */
    @Override
    protected void taken(SupervisedProcess.Batch taken) {
        if (clients.isEmpty()) {
            return;
        }
        for (byte[] part : SupervisedProcess.slices(taken.data(), settings.readBufferBytes())) {
            OutputFrame frame = new OutputFrame(part);
            clients.forEach(client -> client.tell(frame));
        }
    }

    /** The output taken as batches, each with what the transcript keeps after it (the scrollback bound). */
    @Override
    protected List<Event> batches(SessionState s) {
        Transcript t = ((Existing) s).session().transcript();
        List<Event> events = new ArrayList<>();
        for (SupervisedProcess.Batch batch : process.batches()) {
            int size = batch.data().length;
            long seq = t.nextSeq();
            long keepFrom = t.keepFrom(size, settings.scrollbackBytes());
            t = t.append(seq, size, keepFrom);
            events.add(new OutputRecorded(seq, size, keepFrom, t.bytes(), now(), batch.data()));
        }
        return events;
    }

    private ReplyEffect<Event, SessionState> exited(Existing s, Exited c) {
        RunningProcess ending = process.current();
        if (process.exited(c, this::taken) != SupervisedProcess.Exit.ENDED) {
            return Effect().noReply();
        }
        List<Event> events = batches(s);
        events.addAll(SessionSandboxEvents.ended(ending, now()));
        boolean restart = !(s instanceof Ended) && s.session().spec().restart().restarts(c.exitCode());
        long at = now();
        // decided now and recorded, so that a replay under other settings rebuilds the same state
        Boolean healthy = restart
                ? SessionState.healthy(s.liveSince() == null ? at : s.liveSince(), at, settings.backoff())
                : null;
        events.add(new ProcessExited(c.exitCode(), restart, at, healthy));
        return recordThenRelease(events, st -> {
            if (st instanceof Ended e) {
                EndFrame end = new EndFrame("session " + e.how() + " (exit code " + c.exitCode() + ")");
                clients.forEach(client -> client.tell(end));
                clients.clear();
            } else {
                scheduleRestart(st);
            }
        });
    }

    // ---- event handler: picks the transition that the state owns ----------------------------------

    @Override
    public EventHandler<SessionState, Event> eventHandler() {
        EventHandlerBuilder<SessionState, Event> b = newEventHandlerBuilder();
        b.forStateType(Existing.class)
                .onEvent(StartFailed.class, Existing::startFailed)
                .onEvent(Resized.class, Existing::resized)
                .onEvent(OutputRecorded.class, Existing::outputRecorded)
                .onEvent(ProcessExited.class, (s, e) -> s.exited(e, settings.backoff()))
                .onEvent(Interrupted.class, Existing::interrupted)
                .onEvent(Closed.class, Existing::closed);
        b.forStateType(Empty.class).onEvent(Created.class, Empty::created);
        b.forStateType(Starting.class).onEvent(ProcessStarted.class, Starting::started);
        b.forStateType(Running.class).onEvent(SessionActor.Paused.class, (s, e) -> s.paused());
        b.forStateType(SessionState.Paused.class).onEvent(Resumed.class, (s, e) -> s.resumed());
        b.forStateType(Ended.class).onEvent(Restarted.class, (s, e) -> s.restarted());
        // a pause or resume that found the session in another phase: nothing changes
        b.forAnyState().onAnyEvent((s, e) -> s);
        return b.build();
    }
}
