package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.Replying;
import io.kaged.persistence.serialization.KagedSerializable;
import java.time.Clock;
import java.util.List;
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

    /**
     * A named checkpoint (a snapshot) now; the reply is its id. {@code reason} is {@link CheckpointTaken#TURN} for
     * the one an ACP run takes before a turn; null for one asked for by hand.
     */
    public record Checkpoint(String label, String reason, ActorRef<StatusReply<String>> replyTo)
            implements Command, Replying<String> {
        public Checkpoint(String label, ActorRef<StatusReply<String>> replyTo) {
            this(label, null, replyTo);
        }
    }

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

    // ---- commands of an ACP run (io.kaged.actors.run.agent.RunAgent handles them) ------------------

    /**
     * A prompt for the agent: sent now when no turn runs, else queued if {@code queue}, else refused. The
     * reply is "sent" or "queued".
     */
    public record Prompt(String text, boolean queue, ActorRef<StatusReply<String>> replyTo)
            implements Command, Replying<String> {}

    /** ACP {@code session/cancel} for the running turn; its pending permission requests are answered cancelled. */
    public record CancelTurn(ActorRef<StatusReply<String>> replyTo) implements Command, Replying<String> {}

    /**
     * An answer to a pending approval: one of the options the agent offered; {@code by} is who decided as
     * the approval and the audit show it ("operator api", or "run:ID" for an ancestor run's token).
     */
    public record DecideApproval(String approvalId, String optionId, String by, ActorRef<StatusReply<String>> replyTo)
            implements Command, Replying<String> {}

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

    /** Attempt {@code attempt}'s process tree runs in its own cgroup with {@code limits}. */
    public record LimitsApplied(int attempt, String limits, long at) implements Event {}

    /** Attempt {@code attempt} runs without the {@code limits} it asked for: the host does not delegate them. */
    public record LimitsSkipped(int attempt, String limits, String reason, long at) implements Event {}

    /**
     * Attempt {@code attempt}'s process tree ran into its {@code limit} ({@code memory}: processes OOM-killed,
     * {@code pids}: forks refused) {@code count} times, as its cgroup counted when it ended.
     */
    public record LimitReached(int attempt, String limit, long count, long at) implements Event {}

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

    /**
     * @param reason {@link #TURN} for the checkpoint an ACP run takes before a turn; null (left out of the stored
     *     JSON, as in every event written before the field existed) for one asked for by hand
     */
    public record CheckpointTaken(
            String checkpointId, String label, long at, @JsonInclude(JsonInclude.Include.NON_NULL) String reason)
            implements Event {
        public static final String TURN = "turn";

        public CheckpointTaken(String checkpointId, String label, long at) {
            this(checkpointId, label, at, null);
        }
    }

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

    // ---- events of an ACP run (see io.kaged.actors.run.agent) -------------------------------------------

    /** What kaged learnt from the agent of an ACP run; {@link RunState.Run#agent} folds them. */
    public sealed interface AgentEvent extends Event {}

    /**
     * The attempt's agent answered initialize and has a session: {@code how} is "new" (session/new), "load" or
     * "resume"; {@code agent} is its agentInfo and {@code authMethods} what it offers, as it sent them. {@code
     * note} says what a later attempt could not get back (the agent neither loads nor resumes sessions);
     * {@code replayed} counts the updates of a session/load that were not journaled again.
     */
    public record AgentConnected(
            int attempt,
            String sessionId,
            String how,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode agent,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode authMethods,
            boolean loadSession,
            @JsonInclude(JsonInclude.Include.NON_NULL) String note,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer replayed,
            long at)
            implements AgentEvent {}

    /**
     * initialize or the session's setup failed ({@code step} says which): the attempt's process is ended. When
     * initialize had answered, {@code agent} and {@code authMethods} are what it said (an agent that wants a login
     * says how).
     */
    public record AgentSetupFailed(
            int attempt,
            String step,
            String reason,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode agent,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode authMethods,
            long at)
            implements AgentEvent {}

    /** session/update notifications in the order the agent sent them, each as ACP JSON; one batch per drain. */
    public record AgentUpdates(List<JsonNode> updates, long at) implements AgentEvent {}

    /** A prompt waits for the running turn to end (or for the agent's session to exist). */
    public record PromptQueued(String text, long at) implements AgentEvent {}

    /** kaged sent {@code text} as session/prompt; {@code fromQueue} when it was the oldest queued prompt. */
    public record PromptSent(String text, boolean fromQueue, int attempt, long at) implements AgentEvent {}

    /** The turn ended: the agent's stop reason, or the {@code error} that ended it (then stopReason is null). */
    public record TurnEnded(
            @JsonInclude(JsonInclude.Include.NON_NULL) String stopReason,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error,
            long at)
            implements AgentEvent {}

    /** The operator cancelled the running turn (session/cancel sent). */
    public record TurnCancelRequested(long at) implements AgentEvent {}

    /** A session/request_permission of the agent, as an approval; {@code requestId} is its JSON-RPC id. */
    public record ApprovalRequested(
            String approvalId, JsonNode requestId, int attempt, JsonNode toolCall, List<JsonNode> options, long at)
            implements AgentEvent {}

    /**
     * An approval decided: {@code outcome} "selected" (then {@code optionId} and {@code optionKind}) or
     * "cancelled"; {@code by} is "operator NAME", "policy RULE" or "cancel-turn". {@code unheard} when the
     * agent that asked was gone: the answer goes to the next request for the same tool call.
     */
    public record ApprovalDecided(
            String approvalId,
            String outcome,
            @JsonInclude(JsonInclude.Include.NON_NULL) String optionId,
            @JsonInclude(JsonInclude.Include.NON_NULL) String optionKind,
            String by,
            boolean unheard,
            long at)
            implements AgentEvent {}

    /** A later attempt's agent asked again for the tool call of a still pending approval: it now answers that. */
    public record ApprovalReasked(String approvalId, JsonNode requestId, int attempt, long at) implements AgentEvent {}

    /** A decision made while its agent was gone reached the agent that asked again. */
    public record ApprovalDelivered(String approvalId, long at) implements AgentEvent {}

    /** Something the agent sent that kaged could not use, recorded; the run goes on. */
    public record AgentFault(String kind, String detail, String excerpt, long at) implements AgentEvent {}

    /** An fs/write_text_file served inside the workspace. */
    public record FileWritten(String path, long size, String sha256, long at) implements AgentEvent {}

    /** An fs/* request refused; {@code sandbox} when the path left the workspace (audited as sandbox.*). */
    public record FileRefused(String method, String path, String refusal, boolean sandbox, String message, long at)
            implements AgentEvent {}
}
