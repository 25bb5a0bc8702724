package io.kaged.persistence.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The second stage of a replay: the reader thread only reads rows and hands them over in chunks; the
 * chunks are decoded and delivered here, one after another in read order, on {@code executor}. Reading
 * and decoding then use both cores instead of one thread doing both. At most {@link #MAX_PENDING} chunks
 * wait at a time, so a long journal never piles up in memory ahead of its decoding: the reader waits.
 * That is twice a read query's rows ({@code JournalDao}'s 4,096), so the reader sends its next query
 * while the last one's rows are still being decoded: with 8, it waited in the middle of each query's
 * rows, and on PostgreSQL the server sat idle meanwhile (docs/benchmarks.md).
 *
 * <p>A chunk is decoded whole before any of it is sent. Sent one by one as decoded, each event reached a
 * recovering actor that had already handled the one before and gone idle, so nearly every event
 * scheduled the actor afresh, waking a pool thread; sent together, a chunk wakes it once.
 *
 * @param <T> what an event is decoded into
 */
final class ReplayStage<T> {

    static final int CHUNK = 256;
    static final int MAX_PENDING = 32;

    private final Executor executor;
    private final Function<JournalDao.StoredEvent, T> decode;
    private final Consumer<T> send;
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    private List<JournalDao.StoredEvent> chunk = new ArrayList<>(CHUNK);
    private CompletableFuture<Void> delivered = CompletableFuture.completedFuture(null);

    /**
     * @param decode decodes one event; it may throw, which fails the replay
     * @param send sends a decoded event on
     */
    ReplayStage(Executor executor, Function<JournalDao.StoredEvent, T> decode, Consumer<T> send) {
        this.executor = executor;
        this.decode = decode;
        this.send = send;
    }

    /** Called by the reader thread for each row, in order. */
    void accept(JournalDao.StoredEvent event) {
        chunk.add(event);
        if (chunk.size() == CHUNK) {
            flush();
        }
    }

    /** Called by the reader thread after the last row: completes once every event has been delivered. */
    CompletableFuture<Void> finish() {
        if (!chunk.isEmpty()) {
            flush();
        }
        return delivered;
    }

    private void flush() {
        pending.acquireUninterruptibly();
        List<JournalDao.StoredEvent> events = chunk;
        chunk = new ArrayList<>(CHUNK);
        // handleAsync, not thenRunAsync: after a failed chunk the later ones still run (and deliver
        // nothing), so each gives its permit back and the reader never waits forever.
        delivered = delivered.handleAsync(
                (ok, failure) -> {
                    try {
                        if (failure != null) {
                            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                        }
                        List<T> decoded = new ArrayList<>(events.size());
                        for (JournalDao.StoredEvent event : events) {
                            decoded.add(decode.apply(event));
                        }
                        decoded.forEach(send);
                        return null;
                    } finally {
                        pending.release();
                    }
                },
                executor);
    }
}
