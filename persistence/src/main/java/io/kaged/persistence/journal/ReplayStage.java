package io.kaged.persistence.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The second stage of a replay: the reader thread only reads rows and hands them over in chunks; the
 * chunks are decoded and delivered here, one after another in read order, on {@code executor}. Reading
 * and decoding then use both cores instead of one thread doing both. At most {@link #MAX_PENDING} chunks
 * wait at a time, so a long journal never piles up in memory ahead of its decoding: the reader waits.
 */
final class ReplayStage {

    static final int CHUNK = 256;
    static final int MAX_PENDING = 8;

    private final Executor executor;
    private final Consumer<JournalDao.StoredEvent> deliver;
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    private List<JournalDao.StoredEvent> chunk = new ArrayList<>(CHUNK);
    private CompletableFuture<Void> delivered = CompletableFuture.completedFuture(null);

    /** @param deliver decodes one event and sends it on; it may throw, which fails the replay */
    ReplayStage(Executor executor, Consumer<JournalDao.StoredEvent> deliver) {
        this.executor = executor;
        this.deliver = deliver;
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
                        events.forEach(deliver);
                        return null;
                    } finally {
                        pending.release();
                    }
                },
                executor);
    }
}
