package io.kaged.persistence.journal;

import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one persistence id's events from the journal, for APIs that show an actor's history (a run's
 * event stream). A reader, not a recovery: it never touches the actor.
 */
public final class JournalEvents {

    /** One stored event, decoded. */
    public record StoredEvent(long sequenceNr, long timestamp, Object event) {}

    private final Store store;
    private final PayloadCodec codec;

    public JournalEvents(Store store, PayloadCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Events with sequence numbers above {@code after}, oldest first, at most {@code max}. */
    public CompletableFuture<List<StoredEvent>> after(String persistenceId, long after, int max) {
        return store.read(c -> {
            List<StoredEvent> events = new ArrayList<>();
            JournalDao.replay(
                    c,
                    persistenceId,
                    after + 1,
                    Long.MAX_VALUE,
                    max,
                    stored -> events.add(new StoredEvent(
                            stored.sequenceNr(), stored.writeTimestamp(), codec.decode(stored.encoded()))));
            return events;
        });
    }

    /** The highest sequence number written for the id, 0 if none. */
    public CompletableFuture<Long> highest(String persistenceId) {
        return store.read(c -> JournalDao.highestSequenceNr(c, persistenceId));
    }
}
