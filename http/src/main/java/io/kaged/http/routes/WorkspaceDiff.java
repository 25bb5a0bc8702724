package io.kaged.http.routes;

import io.kaged.actors.workspace.WorkspaceChanges;
import io.kaged.actors.workspace.WorkspaceStore;
import io.kaged.actors.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/** What changed in a run's or a session's workspace since a checkpoint, read on Pekko's blocking dispatcher. */
final class WorkspaceDiff {

    /** The body of {@code GET /v1/runs|sessions/{id}/checkpoints/{cp}/diff}. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Diff(
            String checkpointId,
            String snapshot,
            List<String> added,
            List<String> modified,
            List<String> deleted,
            String patch) {}

    /** The diff, or why there is none (a 409): exactly one is set. */
    record Outcome(Diff diff, String conflict) {}

    private final WorkspaceStore store;
    private final Executor blocking;

    WorkspaceDiff(ActorSystem<?> system) {
        this.store = Workspaces.store(system);
        this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    }

    /**
     * A conflict when the checkpoint has no snapshot or the workspace cannot be read.
     *
     * @param kind {@code run} or {@code session}: whose workspace, for the messages
     */
    CompletableFuture<Outcome> diff(String kind, String runId, String cwd, String checkpointId, boolean patch) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        Optional<String> snapshot = store.settings().dir() == null || cwd == null
                                ? Optional.empty()
                                : store.snapshotOf(runId, checkpointId);
                        if (snapshot.isEmpty()) {
                            return new Outcome(
                                    null,
                                    "Checkpoint " + checkpointId + " of " + kind + " " + runId + " has no"
                                            + " snapshot of the " + kind + "'s files: the " + kind + " has no workspace"
                                            + " (POST /v1/" + kind + "s with \"workspace\": true), or the checkpoint"
                                            + " was taken without one.");
                        }
                        WorkspaceChanges c = store.diff(runId, Path.of(cwd), checkpointId, patch);
                        return new Outcome(
                                new Diff(checkpointId, snapshot.get(), c.added(), c.modified(), c.deleted(), c.patch()),
                                null);
                    } catch (IOException e) {
                        return new Outcome(
                                null,
                                "The workspace of " + kind + " " + runId + " cannot be compared with checkpoint "
                                        + checkpointId + ": " + e.getMessage());
                    }
                },
                blocking);
    }
}
