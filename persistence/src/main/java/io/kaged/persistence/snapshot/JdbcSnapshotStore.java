package io.kaged.persistence.snapshot;

import com.typesafe.config.Config;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import scala.Option;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * kaged's Pekko snapshot store ({@code kaged.persistence.snapshot-store}): one row per (persistence id,
 * sequence number) in {@code snapshot}, payload stored as serializer id + manifest + bytes like the
 * journal. A snapshot is what kaged calls a checkpoint.
 *
 * <p>Loading tries the newest few matching snapshots in turn, so one snapshot that no longer
 * deserializes (an incompatible class change) costs a longer replay, not a failed recovery. Saves and
 * deletes run on the id's write lane, after any journal write queued before them.
 *
 * <p>Pekko's snapshot metadata ({@link SnapshotMetadata#metadata()}) is serialized like the snapshot into
 * columns of its own, NULL when there is none; a save whose metadata cannot be serialized fails. Pekko's
 * {@code SnapshotStore} base class publishes the deletes it handled when {@code
 * pekko.persistence.publish-plugin-commands} is on.
 */
public final class JdbcSnapshotStore extends SnapshotStore {

    private static final int LOAD_ATTEMPTS = 3;

    private final Store store;
    private final PayloadCodec codec;

    public JdbcSnapshotStore(Config config, String configPath) {
        this.store = StoreExtension.store(context().system());
        this.codec = new PayloadCodec(context().system());
    }

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        CompletableFuture<Optional<SelectedSnapshot>> loaded = store.read(c -> {
            List<SnapshotDao.StoredSnapshot> candidates = SnapshotDao.newest(c, persistenceId, criteria, LOAD_ATTEMPTS);
            RuntimeException lastFailure = null;
            for (SnapshotDao.StoredSnapshot s : candidates) {
                try {
                    Object state = codec.decode(s.encoded());
                    Option<Object> metadata =
                            s.metadata() == null ? Option.empty() : Option.apply(codec.decode(s.metadata()));
                    return Optional.of(SelectedSnapshot.create(
                            new SnapshotMetadata(persistenceId, s.sequenceNr(), s.createdAt(), metadata), state));
                } catch (RuntimeException e) {
                    log().warning(
                                    "Snapshot {} of {} cannot be read ({}); trying an older one",
                                    s.sequenceNr(),
                                    persistenceId,
                                    e.getMessage());
                    lastFailure = e;
                }
            }
            if (lastFailure != null) {
                throw lastFailure;
            }
            return Optional.empty();
        });
        return FutureConverters.asScala(loaded);
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        CompletableFuture<Void> saved;
        try {
            PayloadCodec.Encoded encoded = codec.encode(snapshot);
            PayloadCodec.Encoded meta = metadata.metadata().isDefined()
                    ? codec.encode(metadata.metadata().get())
                    : null;
            saved = store.write(metadata.persistenceId(), c -> {
                SnapshotDao.save(
                        c, metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(), encoded, meta);
                return null;
            });
        } catch (Exception e) {
            saved = CompletableFuture.failedFuture(e);
        }
        return FutureConverters.asScala(saved);
    }

    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        return FutureConverters.asScala(store.write(metadata.persistenceId(), c -> {
            SnapshotDao.delete(c, metadata.persistenceId(), metadata.sequenceNr());
            return null;
        }));
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return FutureConverters.asScala(store.write(persistenceId, c -> {
            SnapshotDao.delete(c, persistenceId, criteria);
            return null;
        }));
    }
}
