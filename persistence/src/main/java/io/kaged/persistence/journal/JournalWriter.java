package io.kaged.persistence.journal;

import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the journal. Operations for one persistence id always go to the same write lane, a
 * single thread that drains everything queued since its last commit into one transaction: with many
 * writers the cost of a commit is shared by all of them, so throughput grows with the number of writers.
 * The lane also gives per-id ordering for free: a delete, or a read of the highest sequence number,
 * queued after a write runs after that write has committed. On PostgreSQL a group of inserts that no
 * projection projects is one auto-committed {@code COPY} instead: one statement, all or nothing as well.
 *
 * <p>If a grouped transaction fails, each operation is retried in a transaction of its own, so one
 * actor's bad write (a duplicate sequence number, say) never fails another actor's events.
 */
final class JournalWriter {

    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

    /** Something to do in a lane's transaction, completed after the commit. */
    sealed interface Op {
        CompletableFuture<?> done();

        int rows();
    }

    /** {@code enqueuedAt} is {@link System#nanoTime()} when the write entered its lane, for the latency metric. */
    record Insert(List<JournalRow> events, long enqueuedAt, CompletableFuture<Void> done) implements Op {
        public int rows() {
            return events.size();
        }
    }

    record DeleteTo(String persistenceId, long toSequenceNr, CompletableFuture<Void> done) implements Op {
        public int rows() {
            return 1;
        }
    }

    record ReadHighest(String persistenceId, CompletableFuture<Long> done) implements Op {
        public int rows() {
            return 1;
        }
    }

    private final Store store;
    private final List<JournalProjection> projections;
    private final int maxBatchRows;
    private final Lane[] lanes;
    private final JournalMetrics metrics;
    private final Executor completions;

    /**
     * @param completions where callers' futures are completed after a commit, in commit order per lane:
     *     completing them runs the callers' callbacks (Pekko hands each to its dispatcher, waking a thread),
     *     which on the lane's own thread would delay the next commit, and on SQLite the one lane is the
     *     limit
     */
    JournalWriter(
            Store store,
            List<JournalProjection> projections,
            int maxBatchRows,
            JournalMetrics metrics,
            Executor completions) {
        this.store = store;
        this.projections = projections;
        this.maxBatchRows = maxBatchRows;
        this.metrics = metrics;
        this.completions = completions;
        this.lanes = new Lane[store.laneCount()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(store.lane(i));
        }
    }

    CompletableFuture<Void> insert(String persistenceId, List<JournalRow> rows) {
        var op = new Insert(rows, System.nanoTime(), new CompletableFuture<>());
        laneOf(persistenceId).enqueue(op);
        return op.done();
    }

    CompletableFuture<Void> deleteTo(String persistenceId, long toSequenceNr) {
        var op = new DeleteTo(persistenceId, toSequenceNr, new CompletableFuture<>());
        laneOf(persistenceId).enqueue(op);
        return op.done();
    }

    CompletableFuture<Long> highestSequenceNr(String persistenceId) {
        var op = new ReadHighest(persistenceId, new CompletableFuture<>());
        laneOf(persistenceId).enqueue(op);
        return op.done();
    }

    private Lane laneOf(String persistenceId) {
        return lanes[store.laneFor(persistenceId)];
    }

    private final class Lane {
        private final Executor thread;
        private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        /** The last batch's completions; the next batch's run after them. */
        private CompletableFuture<Void> completed = CompletableFuture.completedFuture(null);

        Lane(Executor thread) {
            this.thread = thread;
        }

        void enqueue(Op op) {
            queue.add(op);
            if (scheduled.compareAndSet(false, true)) {
                thread.execute(this::drain);
            }
        }

        private void drain() {
            try {
                List<Op> batch = take();
                if (!batch.isEmpty()) {
                    List<Runnable> done = new ArrayList<>(batch.size());
                    commit(batch, done);
                    completed = completed.thenRunAsync(() -> done.forEach(Runnable::run), completions);
                }
            } finally {
                scheduled.set(false);
                if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                    thread.execute(this::drain);
                }
            }
        }

        private List<Op> take() {
            List<Op> batch = new ArrayList<>();
            int rows = 0;
            Op op;
            while (rows < maxBatchRows && (op = queue.poll()) != null) {
                batch.add(op);
                rows += op.rows();
            }
            return batch;
        }
    }

    /** Commits the batch, adding what completes each op's future (after the commit) to {@code completions}. */
    private void commit(List<Op> batch, List<Runnable> completions) {
        List<Runnable> applied = new ArrayList<>(batch.size());
        try {
            if (oneStatement(batch)) {
                store.withConnection(c -> {
                    apply(c, batch, applied);
                    return null;
                });
            } else {
                store.inTransaction(c -> {
                    apply(c, batch, applied);
                    return null;
                });
            }
        } catch (SQLException | RuntimeException e) {
            store.health().writeFailed(e);
            if (batch.size() == 1) {
                if (batch.get(0) instanceof Insert) {
                    metrics.writeFailed();
                }
                Op failed = batch.get(0);
                completions.add(() -> failed.done().completeExceptionally(e));
                return;
            }
            log.debug("Grouped journal transaction of {} operations failed, retrying one by one", batch.size(), e);
            for (Op op : batch) {
                commit(List.of(op), completions);
            }
            return;
        }
        store.health().wrote();
        // Recorded before the completions run, so a caller that saw its write complete also sees it counted.
        record(batch, System.nanoTime());
        completions.addAll(applied);
    }

    private void record(List<Op> batch, long committedAt) {
        int events = 0;
        for (Op op : batch) {
            if (op instanceof Insert i) {
                events += i.events().size();
                metrics.writeCommitted(committedAt - i.enqueuedAt());
            }
        }
        if (events > 0) {
            metrics.batchCommitted(events);
        }
    }

    /**
     * Whether the batch can be stored by one auto-committed statement: only inserts, none of whose events
     * any projection projects, on an engine whose inserts are one statement. On PostgreSQL that leaves out
     * the BEGIN and COMMIT round trips, a fifth more events per second on the journal benchmark
     * (docs/benchmarks.md).
     */
    private boolean oneStatement(List<Op> batch) {
        if (!JournalInserts.flushIsOneStatement(store.engine())) {
            return false;
        }
        for (Op op : batch) {
            if (!(op instanceof Insert insert) || insert.events().stream().anyMatch(this::projected)) {
                return false;
            }
        }
        return true;
    }

    private boolean projected(JournalRow row) {
        for (JournalProjection p : projections) {
            if (p.projects(row.persistenceId(), row.event())) {
                return true;
            }
        }
        return false;
    }

    /** Runs the ops in queue order; inserts are sent together between deletes and reads. */
    private void apply(Connection c, List<Op> batch, List<Runnable> completions) throws SQLException {
        completions.clear();
        try (JournalInserts inserts = JournalInserts.open(store.engine(), c)) {
            for (Op op : batch) {
                if (op instanceof Insert i) {
                    for (JournalRow row : i.events()) {
                        inserts.add(row);
                        for (JournalProjection p : projections) {
                            if (p.projects(row.persistenceId(), row.event())) {
                                p.project(c, row.persistenceId(), row.sequenceNr(), row.writeTimestamp(), row.event());
                            }
                        }
                    }
                    completions.add(() -> i.done().complete(null));
                } else if (op instanceof DeleteTo d) {
                    inserts.flush();
                    JournalDao.deleteTo(c, d.persistenceId(), d.toSequenceNr());
                    completions.add(() -> d.done().complete(null));
                } else if (op instanceof ReadHighest r) {
                    inserts.flush();
                    long highest = JournalDao.highestSequenceNr(c, r.persistenceId());
                    completions.add(() -> r.done().complete(highest));
                }
            }
            inserts.flush();
        }
    }
}
