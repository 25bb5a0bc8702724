package io.kaged.actors.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.kaged.actors.process.ProcessLauncher;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.Replying;
import io.kaged.persistence.serialization.KagedSerializable;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * One terminal session: a process in a pseudo-terminal, its recorded output and its attached clients.
 * This file is the session actor's protocol (its commands, what attached clients receive, its events)
 * and its entry point; its phases and their transitions are {@link SessionState}, its handlers {@link
 * SessionBehavior}, and the process mechanics it shares with runs {@link
 * io.kaged.actors.process.SupervisedProcess}.
 *
 * <p>The events stay nested here: a journal row names its event's class ({@code SessionActor$Created}),
 * and every journal written so far must replay.
 */
public final class SessionActor {

    private SessionActor() {}

    public static PersistenceId persistenceId(String sessionId) {
        return PersistenceId.of("session", sessionId);
    }

    /** @param blocking where process starts, pty writes and signals run: they may block */
    public static Behavior<Command> create(
            String sessionId, SessionSettings settings, ProcessLauncher launcher, Executor blocking, Clock clock) {
        return SessionBehavior.create(sessionId, settings, launcher, blocking, clock);
    }

    // ---- commands -------------------------------------------------------------------------------

    public sealed interface Command extends ProcessMessage {}

    /** A checkpoint's workspace snapshot is done ({@code snapshot}) or failed ({@code error}), off the actor. */
    record WorkspaceSnapshotTaken(
            String checkpointId, io.kaged.actors.workspace.WorkspaceSnapshot snapshot, String error)
            implements Command {}

    public record Create(SessionSpec spec, ActorRef<StatusReply<SessionSummary>> replyTo)
            implements Command, Replying<SessionSummary> {}

    public record Input(byte[] data, ActorRef<StatusReply<Done>> replyTo) implements Command, Replying<Done> {}

    public record Resize(int cols, int rows, ActorRef<StatusReply<Done>> replyTo) implements Command, Replying<Done> {}

    public record Pause(ActorRef<StatusReply<SessionSummary>> replyTo) implements Command, Replying<SessionSummary> {}

    public record Resume(ActorRef<StatusReply<SessionSummary>> replyTo) implements Command, Replying<SessionSummary> {}

    /** SIGHUP and SIGTERM to the process group, SIGKILL after {@code kill-grace}; the session ends closed. */
    public record Terminate(ActorRef<StatusReply<SessionSummary>> replyTo)
            implements Command, Replying<SessionSummary> {}

    /**
     * Starts an ended or interrupted session again by hand: same command, cwd, env and size, its
     * transcript kept.
     */
    public record Restart(ActorRef<StatusReply<SessionSummary>> replyTo) implements Command, Replying<SessionSummary> {}

    public record GetSummary(ActorRef<StatusReply<SessionSummary>> replyTo)
            implements Command, Replying<SessionSummary> {}

    /** Subscribes {@code client} to live output; the reply says up to which batch scrollback is recorded. */
    public record Attach(ActorRef<ClientFrame> client, ActorRef<StatusReply<Attached>> replyTo)
            implements Command, Replying<Attached> {}

    public record Detach(ActorRef<ClientFrame> client) implements Command {}

    /** What an attached client receives. */
    public sealed interface ClientFrame {}

    public record OutputFrame(byte[] data) implements ClientFrame {}

    public record EndFrame(String reason) implements ClientFrame {}

    /**
     * @param recordedUpTo batches up to this sequence number are in the transcript table
     * @param unrecorded output after those batches, not yet recorded
     * @param live whether a process is (or will be) there; if not, the client gets scrollback and an end
     * @param recordedBytes the session's whole output up to {@code recordedUpTo}, in bytes, dropped batches
     *     included; null when not known ({@link Transcript#written()})
     */
    public record Attached(long recordedUpTo, byte[] unrecorded, boolean live, Long recordedBytes) {}

    // ---- events ---------------------------------------------------------------------------------

    public sealed interface Event extends KagedSerializable {}

    public record Created(String sessionId, SessionSpec spec, long at) implements Event {}

    public record ProcessStarted(long osPid, long at) implements Event {}

    public record StartFailed(String reason, boolean willRestart, long at) implements Event {}

    /** The session's process runs in a sandbox; {@code profile} says what it may reach. */
    public record SandboxApplied(String profile, long at) implements Event {}

    /** The session's process was not started: its sandbox cannot be set up and is required. */
    public record SandboxRefused(String reason, long at) implements Event {}

    /** The session's process runs without the sandbox it asked for, which allowed that: it cannot be set up. */
    public record SandboxSkipped(String reason, long at) implements Event {}

    /** The session's process tree runs in its own cgroup with {@code limits}. */
    public record LimitsApplied(String limits, long at) implements Event {}

    /** The session's process runs without the {@code limits} it asked for: the host does not delegate them. */
    public record LimitsSkipped(String limits, String reason, long at) implements Event {}

    /** The session's process tree ran into its {@code limit} {@code count} times ({@code memory}, {@code pids}). */
    public record LimitReached(String limit, long count, long at) implements Event {}

    /**
     * The session's process was stopped; a checkpoint. {@code checkpointId} names it (null in journals written
     * before it was recorded: the projection made one up), and the session's workspace snapshot, if any.
     */
    public record Paused(long at, @JsonInclude(JsonInclude.Include.NON_NULL) String checkpointId) implements Event {
        public Paused(long at) {
            this(at, null);
        }
    }

    /**
     * Checkpoint {@code checkpointId} (a {@link Paused}) recorded the session's workspace as snapshot {@code
     * snapshot}: {@code files} files of {@code bytes} bytes; {@code skipped} left out, the first of them
     * named in {@code skippedPaths}. When the snapshot failed, {@code snapshot} is null and {@code error} says
     * why.
     */
    public record WorkspaceRecorded(
            String checkpointId,
            @JsonInclude(JsonInclude.Include.NON_NULL) String snapshot,
            int files,
            long bytes,
            int skipped,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.List<String> skippedPaths,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error,
            long at)
            implements Event {}

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

    /**
     * @param healthyRun whether the process ran for {@code restart.reset-after}, decided when the exit was
     *     recorded so that a replay under other settings rebuilds the same failure count; null in events
     *     written before it was recorded (then the settings of the replay decide, as they always did)
     */
    public record ProcessExited(
            int exitCode, boolean willRestart, long at, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean healthyRun)
            implements Event {

        /** An exit with no decision on the run's health recorded: as events were before it was. */
        public ProcessExited(int exitCode, boolean willRestart, long at) {
            this(exitCode, willRestart, at, null);
        }
    }

    public record Interrupted(boolean willRestart, long at) implements Event {}

    public record Closed(long at) implements Event {}

    /** An operator started the ended session again; its process is launched after this is recorded. */
    public record Restarted(long at) implements Event {}
}
