package io.kaged.actors.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * What runs and sessions with a workspace share: a checkpoint's snapshot of the folder taken off the actor,
 * on the blocking executor, the baseline recorded at start, and the fields of the event that records a
 * snapshot. The actors add their own messages and events around it.
 */
public final class WorkspaceRecorder {

    /** The snapshot taken at the start; checkpoint ids are UUIDs, so no checkpoint has this name. */
    public static final String AT_START = "dispatch";

    /**
     * The fields of a {@code WorkspaceRecorded} event: {@code snapshot} null and {@code error} set when the
     * snapshot failed; {@code skippedPaths} the first skipped files, up to the listing bound.
     */
    public record Recorded(
            String checkpointId,
            String snapshot,
            int files,
            long bytes,
            int skipped,
            List<String> skippedPaths,
            String error) {}

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkspaceRecorder.class);

    private final WorkspaceStore store;
    private final String ownerId;
    private final Executor blocking;

    public WorkspaceRecorder(WorkspaceStore store, String ownerId, Executor blocking) {
        this.store = store;
        this.ownerId = ownerId;
        this.blocking = blocking;
    }

    public WorkspaceStore store() {
        return store;
    }

    /** Snapshots {@code folder} as checkpoint {@code checkpointId}'s, on the blocking executor. */
    public CompletableFuture<WorkspaceSnapshot> snapshot(Path folder, String checkpointId) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return store.snapshot(ownerId, folder, checkpointId);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                },
                blocking);
    }

    /**
     * Records {@code folder} in the background under a name no checkpoint has ({@value #AT_START}): its files
     * are then in the repository and the cache, so the first checkpoint reads only what changed since. A
     * failure is only logged: the checkpoints report their own.
     */
    public void baseline(Path folder) {
        blocking.execute(() -> {
            try {
                store.snapshot(ownerId, folder, AT_START);
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "The workspace {} of {} could not be recorded at its start: {}", folder, ownerId, e.toString());
            }
        });
    }

    /** The event's fields for {@code snapshot}, or for why there is none ({@code error}). */
    public Recorded recorded(String checkpointId, WorkspaceSnapshot snapshot, String error) {
        if (snapshot == null) {
            return new Recorded(checkpointId, null, 0, 0, 0, List.of(), error);
        }
        int max = store.settings().maxListedPaths();
        List<String> skipped = snapshot.skipped().stream()
                .limit(max)
                .map(k -> k.path() + " (" + k.reason() + ")")
                .toList();
        return new Recorded(
                checkpointId,
                snapshot.id(),
                snapshot.files(),
                snapshot.bytes(),
                snapshot.skipped().size(),
                skipped,
                null);
    }

    /** Whether checkpoint {@code checkpointId} has a snapshot, read on the blocking executor. */
    public CompletableFuture<Boolean> hasSnapshot(String checkpointId) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return store.snapshotOf(ownerId, checkpointId).isPresent();
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                },
                blocking);
    }
}
