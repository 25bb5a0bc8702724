package io.kaged.actors.run;

import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor.WorkspaceRecorded;
import io.kaged.actors.run.RunActor.WorkspaceRestored;
import io.kaged.actors.workspace.WorkspaceChanges;
import io.kaged.actors.workspace.WorkspaceRecorder;
import io.kaged.actors.workspace.WorkspaceStore;
import io.kaged.actors.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;

/**
 * The files of a run with a workspace (its cwd): each checkpoint's snapshot is taken on the blocking
 * executor and comes back as {@link RunActor.WorkspaceSnapshotTaken}; a rollback's restore waits for the
 * next attempt's start, on the launcher's thread before the process is started, and comes back as
 * {@link RunActor.WorkspaceRestoreDone}. The actor records both as events. A restore that fails keeps the
 * attempt from starting (its start fails with the reason) and is tried again before the next one: an agent
 * never goes on from files that are not the checkpoint's.
 */
final class RunWorkspace {

    /** The snapshot taken at dispatch; checkpoint ids are UUIDs, so no checkpoint has this name. */
    static final String AT_DISPATCH = WorkspaceRecorder.AT_START;

    private final ActorContext<ProcessMessage> context;
    private final String runId;
    private final Executor blocking;
    private int snapshotsUnderWay;
    /** The checkpoint whose files the next attempt starts from; null when none is owed. */
    private final AtomicReference<String> restoreOwed = new AtomicReference<>();

    private final WorkspaceStore store;
    private final WorkspaceRecorder recorder;
    private final ActorRef<ProcessMessage> self;

    RunWorkspace(ActorContext<ProcessMessage> context, String runId, Executor blocking) {
        this.context = context;
        this.runId = runId;
        this.blocking = blocking;
        this.store = Workspaces.store(context.getSystem());
        this.recorder = new WorkspaceRecorder(store, runId, blocking);
        this.self = context.getSelf();
    }

    /** The folder whose files the checkpoints of {@code spec} record; null for a run without a workspace. */
    static Path folder(RunSpec spec) {
        return spec.hasWorkspace() && spec.cwd() != null ? Path.of(spec.cwd()) : null;
    }

    /**
     * Snapshots the run's files as checkpoint {@code checkpointId}'s, if it has a workspace; {@code replyTo},
     * if any, is answered once the snapshot is recorded ({@link #answer}).
     */
    void snapshot(RunSpec spec, String checkpointId, ActorRef<StatusReply<String>> replyTo) {
        Path folder = folder(spec);
        if (folder == null) {
            if (replyTo != null) {
                replyTo.tell(StatusReply.success(checkpointId));
            }
            return;
        }
        snapshotsUnderWay++;
        context.pipeToSelf(
                recorder.snapshot(folder, checkpointId),
                (snapshot, failure) -> new RunActor.WorkspaceSnapshotTaken(
                        checkpointId,
                        snapshot,
                        failure == null ? null : SupervisedProcess.rootMessage(failure),
                        replyTo));
    }

    /**
     * Records the workspace as the run is dispatched, in the background and under a name no checkpoint has
     * ({@value #AT_DISPATCH}): the files are then in the repository and the cache, so the first checkpoint
     * reads only what changed since and answers well within the API's ask timeout. A failure is only logged:
     * the checkpoints report their own.
     */
    void baseline(RunSpec spec) {
        Path folder = folder(spec);
        if (folder == null) {
            return;
        }
        recorder.baseline(folder);
    }

    /** The event that records {@code done}. */
    RunActor.Event event(RunActor.WorkspaceDone done, long at) {
        return done instanceof RunActor.WorkspaceSnapshotTaken t
                ? recorded(t, at)
                : restored((RunActor.WorkspaceRestoreDone) done, at);
    }

    /** Answers whoever waits for {@code done}: a checkpoint's asker. */
    void answer(RunActor.WorkspaceDone done) {
        if (done instanceof RunActor.WorkspaceSnapshotTaken t) {
            answer(t);
        }
    }

    /** The event recording a snapshot (or why there is none). */
    private WorkspaceRecorded recorded(RunActor.WorkspaceSnapshotTaken t, long at) {
        snapshotsUnderWay--;
        WorkspaceRecorder.Recorded r = recorder.recorded(t.checkpointId(), t.snapshot(), t.error());
        return new WorkspaceRecorded(
                r.checkpointId(), r.snapshot(), r.files(), r.bytes(), r.skipped(), r.skippedPaths(), r.error(), at);
    }

    /** The checkpoint's answer, after its snapshot's event: its id, or why its files were not recorded. */
    private void answer(RunActor.WorkspaceSnapshotTaken t) {
        if (t.replyTo() == null) {
            return;
        }
        t.replyTo()
                .tell(
                        t.error() == null
                                ? StatusReply.success(t.checkpointId())
                                : StatusReply.error(
                                        "checkpoint " + t.checkpointId() + " was taken, but the workspace's files"
                                                + " could not be recorded: " + t.error()));
    }

    /**
     * Whether a rollback to checkpoint {@code checkpointId} of a run of {@code spec} has the files it needs:
     * true for a run without a workspace; else whether the checkpoint has a snapshot. Read off the actor.
     */
    CompletableFuture<Boolean> hasSnapshot(RunSpec spec, String checkpointId) {
        if (folder(spec) == null) {
            return CompletableFuture.completedFuture(true);
        }
        return recorder.hasSnapshot(checkpointId);
    }

    /** No snapshot is under way. */
    boolean idle() {
        return snapshotsUnderWay == 0;
    }

    /**
     * From the event handler, so also while the journal is replayed: after {@code e}, the next attempt
     * starts from its checkpoint's files. A daemon that died between the rollback and the restore restores
     * on its next start. Returns {@code next}, the state after the event.
     */
    RunState owed(RunActor.RolledBack e, RunState next) {
        restoreOwed.set(e.checkpointId());
        return next;
    }

    /** From the event handler: a restore recorded as done settles what was owed. Returns {@code state}. */
    RunState paid(WorkspaceRestored e, RunState state) {
        if (e.error() == null) {
            restoreOwed.compareAndSet(e.checkpointId(), null);
        }
        return state;
    }

    /**
     * On the launcher's thread, before the attempt's process starts: the restore a rollback owes, if any.
     *
     * @throws IOException when it fails: the attempt does not start
     */
    void restoreOwed(RunSpec spec) throws IOException {
        String checkpointId = restoreOwed.get();
        Path folder = folder(spec);
        if (checkpointId == null || folder == null) {
            return;
        }
        try {
            WorkspaceChanges changes = store.restore(runId, folder, checkpointId);
            restoreOwed.compareAndSet(checkpointId, null);
            self.tell(new RunActor.WorkspaceRestoreDone(checkpointId, changes, null));
        } catch (IOException | RuntimeException e) {
            String reason = "the workspace could not be restored to checkpoint " + checkpointId + ": "
                    + SupervisedProcess.rootMessage(e);
            self.tell(new RunActor.WorkspaceRestoreDone(checkpointId, null, reason));
            throw new IOException(reason);
        }
    }

    /** The event recording a restore, its paths listed up to the bound. */
    private WorkspaceRestored restored(RunActor.WorkspaceRestoreDone d, long at) {
        int max = store.settings().maxListedPaths();
        WorkspaceChanges c = d.changes();
        if (c == null) {
            return new WorkspaceRestored(d.checkpointId(), 0, 0, 0, List.of(), List.of(), List.of(), d.error(), at);
        }
        return new WorkspaceRestored(
                d.checkpointId(),
                c.added().size(),
                c.modified().size(),
                c.deleted().size(),
                c.added().stream().limit(max).toList(),
                c.modified().stream().limit(max).toList(),
                c.deleted().stream().limit(max).toList(),
                null,
                at);
    }
}
