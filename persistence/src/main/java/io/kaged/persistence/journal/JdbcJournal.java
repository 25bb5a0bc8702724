package io.kaged.persistence.journal;

import com.typesafe.config.Config;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * kaged's Pekko journal ({@code kaged.persistence.journal}): a thin adapter from the journal SPI to plain
 * JDBC on SQLite or PostgreSQL.
 *
 * <p>Storage design: one row per event in {@code journal}, keyed by (persistence id, sequence number),
 * holding the Pekko serializer id, manifest and bytes, so that the bytes can always be read back by the
 * serializer that wrote them. Serialization happens here, on the journal actor, which rejects an
 * unserializable {@link AtomicWrite} on its own without touching the others; the database work happens
 * on the store's write lanes ({@link JournalWriter}), which group the writes of many actors into one
 * transaction. An {@code AtomicWrite} is always inside one transaction, so it is visible whole or not at
 * all.
 *
 * <p>Trade-offs: deletes are physical (the store stays small, history before a delete is gone) with the
 * highest deleted number kept aside; there is no tag index or persistence query, since kaged reads its
 * query tables instead, which {@link JournalProjection}s keep in the same transaction as the events.
 */
public final class JdbcJournal extends AsyncWriteJournal {

    private final Store store;
    private final PayloadCodec codec;
    private final JournalWriter writer;
    private final Clock clock = Clock.systemUTC();

    public JdbcJournal(Config config, String configPath) {
        this.store = StoreExtension.store(context().system());
        this.codec = new PayloadCodec(context().system());
        this.writer = new JournalWriter(
                store,
                JournalProjections.get(context().system()).all(),
                store.settings().maxBatchRows(),
                JournalMetrics.get(context().system()),
                context().dispatcher());
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        List<Optional<Exception>> results = new ArrayList<>();
        // Pekko sends one actor's writes per call; grouping by id keeps the contract if a caller mixes ids.
        Map<String, List<JournalRow>> rowsById = new LinkedHashMap<>();
        long now = clock.millis();
        for (AtomicWrite write : messages) {
            try {
                List<JournalRow> rows = encode(write, now);
                rowsById.computeIfAbsent(write.persistenceId(), id -> new ArrayList<>())
                        .addAll(rows);
                results.add(Optional.empty());
            } catch (Exception rejected) {
                results.add(Optional.of(rejected));
            }
        }
        CompletableFuture<?>[] writes = rowsById.entrySet().stream()
                .map(e -> writer.insert(e.getKey(), e.getValue()))
                .toArray(CompletableFuture<?>[]::new);
        CompletionStage<Iterable<Optional<Exception>>> done =
                CompletableFuture.allOf(writes).thenApply(ignored -> results);
        return FutureConverters.asScala(done);
    }

    /** Encodes every event of one atomic write, or throws so that the whole write is rejected. */
    private List<JournalRow> encode(AtomicWrite write, long now) throws Exception {
        List<JournalRow> rows = new ArrayList<>(write.size());
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
            Object payload = repr.payload();
            String tags = null;
            if (payload instanceof Tagged tagged) {
                payload = tagged.payload();
                tags = String.join(",", CollectionConverters.asJava(tagged.tags()));
            }
            rows.add(new JournalRow(
                    repr.persistenceId(),
                    repr.sequenceNr(),
                    repr.writerUuid(),
                    now,
                    repr.manifest(),
                    codec.encode(payload),
                    tags,
                    payload));
        }
        return rows;
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        return FutureConverters.asScala(writer.deleteTo(persistenceId, toSequenceNr));
    }

    @Override
    public Future<Void> doAsyncReplayMessages(
            String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<PersistentRepr> callback) {
        CompletableFuture<Void> done = store.read(c -> {
            JournalDao.replay(c, persistenceId, fromSequenceNr, toSequenceNr, max, stored -> {
                Object event = codec.decode(
                        stored.encoded().serializerId(),
                        stored.encoded().manifest(),
                        stored.encoded().bytes());
                callback.accept(PersistentRepr.apply(
                                event,
                                stored.sequenceNr(),
                                persistenceId,
                                stored.eventManifest(),
                                false,
                                ActorRef.noSender(),
                                stored.writerUuid())
                        .withTimestamp(stored.writeTimestamp()));
            });
            return null;
        });
        return FutureConverters.asScala(done);
    }

    /** Runs on the id's write lane, so every write queued before it has committed when it reads. */
    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        return FutureConverters.asScala(writer.highestSequenceNr(persistenceId));
    }
}
