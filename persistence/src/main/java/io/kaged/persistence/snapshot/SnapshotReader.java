package io.kaged.persistence.snapshot;

import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Store;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * Reads one snapshot by its exact sequence number, for a rollback to a checkpoint. Recovery always takes
 * the newest snapshot; a rollback needs an older one, which the Pekko snapshot protocol does not offer to
 * an actor outside recovery.
 */
public final class SnapshotReader {

    private final Store store;
    private final PayloadCodec codec;

    public SnapshotReader(Store store, PayloadCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** The state saved for {@code persistenceId} at exactly {@code sequenceNr}, if there is one. */
    public CompletableFuture<Optional<Object>> at(String persistenceId, long sequenceNr) {
        return store.read(c -> {
            List<SnapshotDao.StoredSnapshot> found = SnapshotDao.newest(
                    c, persistenceId, SnapshotSelectionCriteria.create(sequenceNr, Long.MAX_VALUE, sequenceNr, 0L), 1);
            return found.stream().findFirst().map(s -> codec.decode(s.encoded()));
        });
    }
}
