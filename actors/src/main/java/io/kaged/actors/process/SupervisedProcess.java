package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.Exited;
import io.kaged.actors.process.ProcessReport.KillDue;
import io.kaged.actors.process.ProcessReport.LaunchDue;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.ProcessReport.Launched;
import io.kaged.actors.process.ProcessReport.OrphansReaped;
import io.kaged.actors.process.ProcessReport.RecoveredLive;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The one process core of runs and sessions: the part of a supervised process that lives only in its
 * actor's current incarnation. It launches attempts off the actor's thread, holds the current attempt's
 * process and the output read but not yet recorded, sends signals in order, guards a termination with
 * a kill grace, looks for orphans of an earlier daemon, and cleans up when the actor stops. Everything
 * it learns comes back to the actor as a {@link ProcessReport}; what to record about it is the actor's
 * choice, made from its persistent state.
 *
 * <p>Attempts are numbered by the core, one per launch, so that reports of an attempt that is no longer
 * current are told apart. An exit that arrives before the actor has recorded its attempt's start (a
 * process that ends at once) is held and told again once the start is recorded, so that every attempt
 * ends after it started.
 *
 * <p>Output goes from the reader threads into the attempt's {@link OutputBuffer} ({@link UnrecordedOutput}
 * holds both); when told, the actor
 * takes it into the output not yet recorded (showing it to live readers first) and records it in batches
 * of at most {@code flush-bytes}, when a batch's worth waits or {@code flush-interval} after its first
 * byte. Not thread-safe: used from its actor only.
 *
 */
public final class SupervisedProcess {

    /** A batch of one stream's output, to be recorded. */
    public record Batch(String stream, byte[] data) {}

    /** What an {@link Exited} report means for the actor. */
    public enum Exit {
        /** Of an attempt that is no longer current: nothing to record. */
        STALE,
        /** Its start is not recorded yet: held, and told again once it is. */
        EARLY,
        /** The current attempt's process has ended; its output is all taken. */
        ENDED
    }

    /** Starts an attempt's process (blocking) with the sink its output goes to. */
    @FunctionalInterface
    public interface Starter {
        RunningProcess start(OutputSink sink) throws IOException;
    }

    private final ActorContext<ProcessMessage> context;
    private final TimerScheduler<ProcessMessage> timers;
    private final Executor blocking;
    private final SerialExecutor io;
    private final ProcessSettings settings;

    private int attempt;
    /** A start is under way: its Launched or LaunchFailed has not arrived yet. */
    private boolean launching;

    private RunningProcess process;

    /** The process group of the last attempt whose exit was taken, for {@link #killLeftovers()}. */
    private long endedGroup;

    private boolean startRecorded;
    private Exited earlyExit;
    private boolean recovering;

    private final UnrecordedOutput output;

    /** @param blocking where process starts, writes, signals and orphan scans run: they may block */
    public SupervisedProcess(
            ActorContext<ProcessMessage> context,
            TimerScheduler<ProcessMessage> timers,
            Executor blocking,
            ProcessSettings settings) {
        this.context = context;
        this.timers = timers;
        this.blocking = blocking;
        this.io = new SerialExecutor(blocking);
        this.settings = settings;
        this.output = new UnrecordedOutput(timers, settings);
    }

    // ---- attempt lifecycle ------------------------------------------------------------------------

    /** Starts the next attempt; {@link Launched} or {@link LaunchFailed} follows. */
    public void launch(Starter starter) {
        int n = ++attempt;
        launching = true;
        process = null;
        startRecorded = false;
        earlyExit = null;
        OutputSink sink = new AttemptSink(n, output.newAttempt(), context.getSelf());
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return starter.start(sink);
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        blocking),
                (p, failure) -> failure == null
                        ? new Launched(n, p)
                        : new LaunchFailed(n, rootMessage(failure), SandboxRefused.isCause(failure)));
    }

    /** The backoff before the next attempt: {@link LaunchDue} after {@code delay}. */
    public void launchAfter(Duration delay) {
        timers.startSingleTimer(LaunchDue.INSTANCE, delay);
    }

    public void cancelLaunch() {
        timers.cancel(LaunchDue.INSTANCE);
    }

    /**
     * The attempt's process is there; the actor records its start, then calls {@link #startRecorded}.
     * False for a process of an attempt that is no longer current: it is killed.
     */
    public boolean launched(Launched l) {
        if (l.attempt() != attempt) {
            discard(l);
            return false;
        }
        launching = false;
        process = l.process();
        return true;
    }

    /** A process nobody wants any more (the actor ended while it was starting): killed at once. */
    public void discard(Launched l) {
        if (l.attempt() == attempt) {
            launching = false;
        }
        io.execute(() -> l.process().signal(Signal.KILL));
    }

    public void launchFailed(LaunchFailed f) {
        if (f.attempt() == attempt) {
            launching = false;
        }
    }

    /** The attempt's start is recorded: an exit that came before it is told again now. */
    public void startRecorded() {
        startRecorded = true;
        if (earlyExit != null) {
            context.getSelf().tell(earlyExit);
            earlyExit = null;
        }
    }

    /**
     * Classifies an exit; when it {@link Exit#ENDED} the attempt, the rest of its output is taken (shown
     * to {@code live} first) and the process is gone.
     */
    public Exit exited(Exited e, Consumer<Batch> live) {
        if (e.attempt() != attempt) {
            return Exit.STALE;
        }
        if (!startRecorded) {
            earlyExit = e;
            return Exit.EARLY;
        }
        endedGroup = process.pid();
        process = null;
        output.take(live);
        return Exit.ENDED;
    }

    /** The current attempt's process, or null; read it before {@link #exited} lets it go. */
    public RunningProcess current() {
        return process;
    }

    public boolean hasProcess() {
        return process != null;
    }

    /** The current attempt's process is there and its start recorded: commands for it apply now. */
    public boolean ready() {
        return process != null && startRecorded;
    }

    public long pid() {
        return process.pid();
    }

    /** Whether a start is under way. */
    public boolean launching() {
        return launching;
    }

    // ---- recovery ---------------------------------------------------------------------------------

    /** After recovery: a live actor lost its process with the daemon; {@link RecoveredLive} follows. */
    public void recoveryCompleted(boolean live) {
        if (live) {
            recovering = true;
            context.getSelf().tell(RecoveredLive.INSTANCE);
        }
    }

    /** Recovered live, and the interruption not recorded yet. */
    public boolean recovering() {
        return recovering;
    }

    public void recovered() {
        recovering = false;
    }

    /**
     * A daemon killed under a run or session leaves its process running without anyone reading it.
     * Whatever still carries {@code variable=id} ({@link Orphans#RUN}, {@link Orphans#SESSION}) is stopped
     * off the actor's thread; {@link OrphansReaped} follows.
     *
     * @param leaderPid the pid the last attempt recorded, or -1
     */
    public void reapOrphans(long leaderPid, String variable, String id) {
        context.pipeToSelf(
                CompletableFuture.runAsync(() -> Orphans.reap(leaderPid, variable, id, settings.killGrace()), blocking),
                (ok, failure) -> {
                    if (failure != null) {
                        // not the context's logger: this runs on the future's thread
                        org.slf4j.LoggerFactory.getLogger(SupervisedProcess.class)
                                .warn("Could not look for leftover processes of {}", id, failure);
                    }
                    return OrphansReaped.INSTANCE;
                });
    }

    // ---- signals and input ------------------------------------------------------------------------

    /**
     * Kills what is left in the process group of the attempt that just ended: processes its command left
     * behind (a {@code cmd &} that does not hold the output) must not outlive it, as systemd ends a unit's
     * control group.
     */
    public void killLeftovers() {
        long group = endedGroup;
        if (group > 0) {
            io.execute(() -> Signals.sendToGroup(group, Signal.KILL));
        }
    }

    /** Sends {@code signal} to the process group, in order with every other signal and write. */
    public void signal(Signal signal) {
        RunningProcess p = process;
        if (p != null) {
            io.execute(() -> p.signal(signal));
        }
    }

    /** SIGCONT (a stopped group could not act on the rest), then {@code signals}, then SIGKILL after the grace. */
    public void terminate(Signal... signals) {
        RunningProcess p = process;
        if (p == null) {
            return;
        }
        signal(Signal.CONT);
        for (Signal s : signals) {
            signal(s);
        }
        timers.startSingleTimer(new KillDue(p.pid()), settings.killGrace());
    }

    public void killDue(KillDue k) {
        if (process != null && process.pid() == k.pid()) {
            signal(Signal.KILL);
        }
    }

    public void write(byte[] data) {
        RunningProcess p = process;
        if (p != null) {
            io.execute(() -> p.write(data));
        }
    }

    public void resize(int cols, int rows) {
        RunningProcess p = process;
        if (p != null) {
            io.execute(() -> p.resize(cols, rows));
        }
    }

    // ---- output -----------------------------------------------------------------------------------

    /**
     * Takes what waits into the output not yet recorded ({@code live} sees it first). Returns whether a
     * batch's worth waits now; if not, {@link ProcessReport.FlushDue} is scheduled.
     */
    public boolean outputWaiting(Consumer<Batch> live) {
        return output.waiting(live);
    }

    /** The output not yet recorded, by stream, in batches of at most {@code flush-bytes}; none is left after. */
    public List<Batch> batches() {
        return output.batches();
    }

    /** What of {@code stream} is taken but not recorded yet. */
    public byte[] unrecorded(String stream) {
        return output.unrecorded(stream);
    }

    /** What the current attempt prints from now on is dropped (a rollback set it aside). */
    public void discardOutput() {
        output.discard();
    }

    /** {@code bytes} in order, in pieces of at most {@code size}; itself when it fits. */
    public static List<byte[]> slices(byte[] bytes, int size) {
        if (bytes.length <= size) {
            return bytes.length == 0 ? List.of() : List.of(bytes);
        }
        List<byte[]> slices = new ArrayList<>(bytes.length / size + 1);
        for (int from = 0; from < bytes.length; from += size) {
            slices.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size)));
        }
        return slices;
    }

    // ---- end --------------------------------------------------------------------------------------

    /** Nothing is under way in memory: no process, no start, no output waiting to be recorded. */
    public boolean idle() {
        return process == null && !launching && output.idle();
    }

    /** The actor is stopping (daemon stopping, purge, passivation): its process must not outlive it. */
    public void actorStopped() {
        if (process != null) {
            Signals.sendToGroup(process.pid(), Signal.KILL);
        }
        output.close();
    }

    /**
     * The actor restarts (a failed persist): its behaviour object, and so this core, lives on into the
     * next incarnation, which recovers from the journal and finds the attempt live. The process is killed
     * as at a stop, and everything of it is forgotten here: its reports then read as stale, and recovery
     * records the attempt interrupted, as after a crash.
     */
    public void actorRestarting() {
        actorStopped();
        attempt++;
        process = null;
        launching = false;
        startRecorded = false;
        earlyExit = null;
        output.forget();
    }

    /** The innermost cause's message, or its class name when it has none: the sentence a refusal shows. */
    public static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
