package io.kaged.actors.run;

import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.snapshot.SnapshotReader;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Finds a run's checkpoint and the state saved with it. The checkpoint row is written with its event; the
 * snapshot follows a moment later, so a rollback asked for right after a checkpoint waits for it briefly.
 */
final class RunCheckpoints {

    /** A checkpoint's event number and the run's state there. */
    record Loaded(long sequenceNr, RunState state) {}

    private static final int SNAPSHOT_WAITS = 40;
    private static final long SNAPSHOT_WAIT_MS = 50;

    private final Store store;
    private final SnapshotReader snapshots;

    private RunCheckpoints(Store store, SnapshotReader snapshots) {
        this.store = store;
        this.snapshots = snapshots;
    }

    static RunCheckpoints of(ActorSystem<?> system) {
        Store store = StoreExtension.store(system.classicSystem());
        return new RunCheckpoints(store, new SnapshotReader(store, new PayloadCodec(system.classicSystem())));
    }

    CompletableFuture<Optional<Loaded>> load(String runId, String checkpointId) {
        return sequenceNr(runId, checkpointId)
                .thenCompose(seq -> seq.isEmpty()
                        ? CompletableFuture.completedFuture(Optional.<Loaded>empty())
                        : snapshot(runId, seq.get(), SNAPSHOT_WAITS).thenApply(Optional::of));
    }

    private CompletableFuture<Optional<Long>> sequenceNr(String runId, String checkpointId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sequence_nr FROM checkpoints WHERE id = ? AND owner_kind = 'run' AND owner_id = ?")) {
                ps.setString(1, checkpointId);
                ps.setString(2, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    private CompletableFuture<Loaded> snapshot(String runId, long sequenceNr, int waitsLeft) {
        return snapshots.at(RunActor.persistenceId(runId).id(), sequenceNr).thenCompose(found -> {
            if (found.isPresent() && found.get() instanceof RunState state) {
                return CompletableFuture.completedFuture(new Loaded(sequenceNr, state));
            }
            if (waitsLeft == 0) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "the state saved with the checkpoint (event " + sequenceNr + ") is missing"));
            }
            return CompletableFuture.supplyAsync(
                            () -> null,
                            CompletableFuture.delayedExecutor(
                                    SNAPSHOT_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> snapshot(runId, sequenceNr, waitsLeft - 1));
        });
    }
}
