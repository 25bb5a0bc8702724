package io.kaged.actors.session;

import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.workspace.WorkspaceRecorder;
import io.kaged.actors.workspace.Workspaces;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The files of a session with a workspace (its cwd): each checkpoint (a pause, taken after the process is
 * stopped, so the files hold still) snapshots them on the blocking executor, into the session's own
 * repository ({@code workspaces/<session id>.git}), and the actor records the outcome as {@link
 * SessionActor.WorkspaceRecorded}. Sessions have no rollback: the snapshots are there to diff against.
 */
final class SessionWorkspace {

    private final ActorContext<ProcessMessage> context;
    private final WorkspaceRecorder recorder;

    SessionWorkspace(ActorContext<ProcessMessage> context, String sessionId, Executor blocking) {
        this.context = context;
        this.recorder = new WorkspaceRecorder(Workspaces.store(context.getSystem()), sessionId, blocking);
    }

    private static Path folder(SessionSpec spec) {
        return spec.hasWorkspace() ? Path.of(spec.cwd()) : null;
    }

    /** At creation: the files recorded in the background, so the first checkpoint reads only what changed. */
    void baseline(SessionSpec spec) {
        Path folder = folder(spec);
        if (folder != null) {
            recorder.baseline(folder);
        }
    }

    /** After checkpoint {@code checkpointId}'s event: its snapshot, if the session has a workspace. */
    void snapshot(SessionSpec spec, String checkpointId) {
        Path folder = folder(spec);
        if (folder == null) {
            return;
        }
        context.pipeToSelf(
                recorder.snapshot(folder, checkpointId),
                (snapshot, failure) -> new SessionActor.WorkspaceSnapshotTaken(
                        checkpointId, snapshot, failure == null ? null : SupervisedProcess.rootMessage(failure)));
    }

    /** The event recording {@code taken}. */
    SessionActor.WorkspaceRecorded event(SessionActor.WorkspaceSnapshotTaken taken, long at) {
        WorkspaceRecorder.Recorded r = recorder.recorded(taken.checkpointId(), taken.snapshot(), taken.error());
        return new SessionActor.WorkspaceRecorded(
                r.checkpointId(), r.snapshot(), r.files(), r.bytes(), r.skipped(), r.skippedPaths(), r.error(), at);
    }
}
