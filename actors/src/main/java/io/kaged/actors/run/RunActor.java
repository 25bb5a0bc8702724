package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.Replying;
import io.kaged.persistence.serialization.KagedSerializable;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * One agent run: a command dispatched once, supervised through its attempts, with its output and exit
 * recorded. This file is the run actor's protocol (its commands and its events) and its entry point;
 * its phases and their transitions are {@link RunState}, its handlers {@link RunBehavior}, and the process
 * mechanics it shares with sessions {@link io.kaged.actors.process.SupervisedProcess}.
 *
 * <p>The events stay nested here: a journal row names its event's class ({@code RunActor$Dispatched}),
 * and every journal written so far must replay.
 */
public final class RunActor {

    private RunActor() {}

    public static PersistenceId persistenceId(String runId) {
        return PersistenceId.of("run", runId);
    }

    /** @param supervisor asked to passivate this actor once the run has finished and gone idle */
    public static Behavior<Command> create(
            String runId,
            RunSettings settings,
            RunLauncher launcher,
            Executor blocking,
            Clock clock,
            ActorRef<RunSupervisor.Command> supervisor) {
        return RunBehavior.create(runId, settings, launcher, blocking, clock, supervisor);
    }

    // ---- commands -------------------------------------------------------------------------------

    public sealed interface Command extends ProcessMessage {}

    public record Dispatch(RunSpec spec, ActorRef<StatusReply<RunSummary>> replyTo)
            implements Command, Replying<RunSummary> {}

    /** SIGTERM to the process group, SIGKILL after {@code kill-grace}; the run ends cancelled. */
    public record Cancel(ActorRef<StatusReply<RunSummary>> replyTo) implements Command, Replying<RunSummary> {}

    public record GetSummary(ActorRef<StatusReply<RunSummary>> replyTo) implements Command, Replying<RunSummary> {}

    /** SIGSTOP to the process group, recorded, with a checkpoint (a snapshot) of the run. */
    public record Pause(ActorRef<StatusReply<RunSummary>> replyTo) implements Command, Replying<RunSummary> {}

    public record Resume(ActorRef<StatusReply<RunSummary>> replyTo) implements Command, Replying<RunSummary> {}

    /** A named checkpoint (a snapshot) now; the reply is its id. */
    public record Checkpoint(String label, ActorRef<StatusReply<String>> replyTo)
            implements Command, Replying<String> {}

    /**
     * Back to a checkpoint: the output recorded after it is set aside, and the process starts again from
     * the run's inputs (after the current one, if any, has ended).
     */
    public record Rollback(String checkpointId, ActorRef<StatusReply<RunSummary>> replyTo)
            implements Command, Replying<RunSummary> {}

    /**
     * This run's parent was cancelled or timed out ({@code reason} says which): unless it was started to
     * outlive its parent, the run is cancelled and so are its own descendants. The reply is how many runs
     * that stopped, this one included (0 for a run that had already finished or is abandoned).
     */
    public record ParentEnded(String reason, ActorRef<StatusReply<Integer>> replyTo)
            implements Command, Replying<Integer> {}

    /** The cascade of this run's end has come back: {@code count} descendants were stopped for {@code cause}. */
    record DescendantsCancelled(int count, Replying<?> cause) implements Command {}

    /** From the supervisor, after this run asked to be passivated: stop now if still idle and finished. */
    enum Stop implements Command {
        INSTANCE
    }

    /** Nothing arrived for {@code kaged.runs.passivate-after}. */
    enum Idle implements Command {
        INSTANCE
    }

    record TimedOut(int attempt) implements Command {}

    record CheckpointLoaded(
            String checkpointId, long sequenceNr, RunState state, ActorRef<StatusReply<RunSummary>> replyTo)
            implements Command {}

    record CheckpointUnavailable(String reason, ActorRef<StatusReply<RunSummary>> replyTo) implements Command {}

    /** The end of a workspace snapshot or restore, off the actor's thread: recorded as an event. */
    sealed interface WorkspaceDone extends Command {}

    /** A checkpoint's workspace snapshot is done ({@code snapshot}) or failed ({@code error}). */
    record WorkspaceSnapshotTaken(
            String checkpointId,
            io.kaged.actors.workspace.WorkspaceSnapshot snapshot,
            String error,
            ActorRef<StatusReply<String>> replyTo)
            implements WorkspaceDone {}

    /** A rollback's restore of the workspace is done ({@code changes}) or failed ({@code error}). */
    record WorkspaceRestoreDone(String checkpointId, io.kaged.actors.workspace.WorkspaceChanges changes, String error)
            implements WorkspaceDone {}

    // ---- events ---------------------------------------------------------------------------------

    public sealed interface Event extends KagedSerializable {}

    public record Dispatched(String runId, RunSpec spec, long at) implements Event {}

    public record AttemptStarted(int attempt, long osPid, long at) implements Event {}

    public record AttemptFailedToStart(int attempt, String reason, boolean willRetry, long at) implements Event {}

    /** Attempt {@code attempt} runs in a sandbox; {@code profile} says what it may reach. */
    public record SandboxApplied(int attempt, String profile, long at) implements Event {}

    /** Attempt {@code attempt} was not started: its sandbox cannot be set up and is required. */
    public record SandboxRefused(int attempt, String reason, long at) implements Event {}

    /** Attempt {@code attempt} runs without the sandbox it asked for, which allowed that: it cannot be set up. */
    public record SandboxSkipped(int attempt, String reason, long at) implements Event {}

    /** A batch of one stream's output; the bytes go to the transcript table, not the journal row. */
    public record OutputRecorded(String stream, long chunkSeq, int size, long at, @JsonIgnore byte[] data)
            implements Event {}

    public record AttemptEnded(int attempt, int exitCode, boolean timedOut, boolean willRetry, long at)
            implements Event {}

    /**
     * @param reason why, when it was not the operator's cancel: "parent cancelled" or "parent timed out";
     *     null in events written before the cascade existed
     */
    public record Cancelled(long at, @JsonInclude(JsonInclude.Include.NON_NULL) String reason) implements Event {
        public Cancelled(long at) {
            this(at, null);
        }
    }

    public record Paused(String checkpointId, long at) implements Event {}

    public record Resumed(long at) implements Event {}

    public record CheckpointTaken(String checkpointId, String label, long at) implements Event {}

    public record Interrupted(boolean willRetry, long at) implements Event {}

    /**
     * Checkpoint {@code checkpointId} (a {@link CheckpointTaken} or a {@link Paused}) recorded the run's
     * workspace as snapshot {@code snapshot} (a commit in the run's workspace repository): {@code files}
     * files of {@code bytes} bytes; {@code skipped} files were left out, the first of them named in {@code
     * skippedPaths}. When the snapshot failed, {@code snapshot} is null and {@code error} says why.
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

    /**
     * Before the attempt after a rollback, the workspace was put back as checkpoint {@code checkpointId}
     * recorded it: {@code added} files added since were removed, {@code modified} ones rewritten, {@code
     * deleted} ones written back (the first of each named). When the restore failed, {@code error} says why
     * and the attempt did not start.
     */
    public record WorkspaceRestored(
            String checkpointId,
            int added,
            int modified,
            int deleted,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.List<String> addedPaths,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.List<String> modifiedPaths,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.List<String> deletedPaths,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error,
            long at)
            implements Event {}

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
}
