package io.kaged.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DistributionDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Group commit, projections and the writer's metrics, on the writer itself, both engines. */
class JournalWriterTest {

    @TempDir
    Path home;

    private final PrometheusRegistry registry = new PrometheusRegistry();

    private JournalWriter writer(Store store, List<JournalProjection> projections) {
        return new JournalWriter(store, projections, 1000, new JournalMetrics(registry), Runnable::run);
    }

    private MetricSnapshot metric(String name) {
        return registry.scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private DistributionDataPointSnapshot histogram(String name) {
        return ((HistogramSnapshot) metric(name)).getDataPoints().get(0);
    }

    private double failures() {
        return ((CounterSnapshot) metric("kaged_journal_write_failures"))
                .getDataPoints()
                .get(0)
                .getValue();
    }

    private Store open(TestEngine engine) {
        return Store.open(StorageSettings.fromConfig(
                TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of()));
    }

    private static JournalRow row(String pid, long seq, Object event) {
        return new JournalRow(
                pid,
                seq,
                "w",
                1L,
                "",
                new Encoded(1, "", ("e" + seq).getBytes(StandardCharsets.UTF_8)),
                null,
                null,
                event);
    }

    private static long count(Store store, String sql, String arg) throws SQLException {
        return store.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void groupsConcurrentWritersIntoFewTransactions(TestEngine engine) throws Exception {
        try (Store store = open(engine)) {
            JournalWriter writer = writer(store, List.of());
            int writers = 200;
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String pid = "g-" + w;
                CompletableFuture<Void> f = new CompletableFuture<>();
                done.add(f);
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int seq = 1; seq <= 5; seq++) {
                            writer.insert(pid, List.of(row(pid, seq, null))).get(10, TimeUnit.SECONDS);
                        }
                        f.complete(null);
                    } catch (Exception e) {
                        f.completeExceptionally(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            start.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            DistributionDataPointSnapshot batches = histogram("kaged_journal_batch_events");
            assertEquals(writers * 5, batches.getSum(), "every event counted in its transaction");
            assertTrue(batches.getCount() < writers * 5 / 2, "expected grouped commits, got " + batches.getCount());
            DistributionDataPointSnapshot latency = histogram("kaged_journal_write_latency_seconds");
            assertEquals(writers * 5, latency.getCount(), "one latency per write");
            assertTrue(latency.getSum() > 0 && latency.getSum() < writers * 5 * 10.0, "latency " + latency.getSum());
            assertEquals(writers * 5L, count(store, "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE ?", "g-%"));
        }
    }

    /**
     * Every column comes back exactly as written, through whichever way the engine's inserts take
     * ({@link JournalInserts}): multi-byte text, a null and a set tag, numbers beyond 32 bits, a payload
     * larger than the first buffer, metadata and none, and a read in the middle of one group, which sends
     * the rows before it. Here each write has few rows (on PostgreSQL, a batch of inserts), below with many
     * (a {@code COPY}).
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void storesEveryColumnExactlyAsWrittenAroundAReadInTheSameGroup(TestEngine engine) throws Exception {
        storesEveryColumnExactly(engine, 0);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void storesEveryColumnExactlyAsWrittenInWritesOfManyRows(TestEngine engine) throws Exception {
        storesEveryColumnExactly(engine, CopyInserts.FEW);
    }

    /** Each of the two writes also carries {@code filler} rows after its own, at sequence numbers left aside. */
    private void storesEveryColumnExactly(TestEngine engine, int filler) throws Exception {
        try (Store store = open(engine)) {
            JournalWriter writer = writer(store, List.of());
            String pid = "größe-π-\uD83D\uDE00";
            byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            JournalRow first = new JournalRow(
                    pid, 1L << 40, "wrïter-ü", Long.MAX_VALUE, "ev-é", new Encoded(-7, "ser-ñ", big), null, null, null);
            JournalRow second = new JournalRow(
                    pid,
                    (1L << 40) + 1,
                    "w2",
                    -1L,
                    "",
                    new Encoded(Integer.MAX_VALUE, "", new byte[0]),
                    new Encoded(-3, "meta-ø", big),
                    "a,ß",
                    null);
            // Block the lane so the insert, the read and the insert are drained as one group.
            CountDownLatch release = new CountDownLatch(1);
            store.lane(store.laneFor(pid)).execute(() -> awaitQuietly(release));
            List<JournalRow> write1 = new ArrayList<>(List.of(first));
            List<JournalRow> write2 = new ArrayList<>(List.of(second));
            for (int i = 0; i < filler; i++) {
                write1.add(filler(pid, (1L << 41) + i));
                write2.add(filler(pid, (1L << 42) + i));
            }
            var wrote1 = writer.insert(pid, write1);
            var highest = writer.highestSequenceNr(pid);
            var wrote2 = writer.insert(pid, write2);
            release.countDown();
            wrote1.get(10, TimeUnit.SECONDS);
            wrote2.get(10, TimeUnit.SECONDS);
            assertEquals(
                    write1.get(write1.size() - 1).sequenceNr(),
                    highest.get(10, TimeUnit.SECONDS),
                    "the read saw the insert queued before it");
            assertEquals(1, histogram("kaged_journal_batch_events").getCount(), "one transaction for the group");
            List<String> stored = store.withConnection(c -> {
                List<String> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + JournalDao.COLUMNS
                        + " FROM journal WHERE persistence_id = ? AND sequence_nr < ? ORDER BY sequence_nr")) {
                    ps.setString(1, pid);
                    ps.setLong(2, 1L << 41);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getLong(4)
                                    + "|" + rs.getString(5) + "|" + rs.getInt(6) + "|" + rs.getString(7) + "|"
                                    + Arrays.hashCode(rs.getBytes(8)) + "/" + rs.getBytes(8).length + "|"
                                    + rs.getString(9) + "|" + rs.getObject(10) + "|" + rs.getString(11) + "|"
                                    + (rs.getBytes(12) == null
                                            ? "null"
                                            : Arrays.hashCode(rs.getBytes(12)) + "/" + rs.getBytes(12).length));
                        }
                    }
                }
                return rows;
            });
            assertEquals(
                    List.of(
                            pid + "|" + (1L << 40) + "|wrïter-ü|" + Long.MAX_VALUE + "|ev-é|-7|ser-ñ|"
                                    + Arrays.hashCode(big) + "/100000|null|null|null|null",
                            pid + "|" + ((1L << 40) + 1) + "|w2|-1||" + Integer.MAX_VALUE + "||"
                                    + Arrays.hashCode(new byte[0]) + "/0|a,ß|-3|meta-ø|" + Arrays.hashCode(big)
                                    + "/100000"),
                    stored);
        }
    }

    private static JournalRow filler(String pid, long seq) {
        return new JournalRow(pid, seq, "w", seq, "m", new Encoded(1, "", new byte[] {(byte) seq}), null, null, null);
    }

    /** Many rows of one write, more than PostgreSQL's COPY sends at a time, all arrive in order. */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aWriteOfManyRowsArrivesWholeAndInOrder(TestEngine engine) throws Exception {
        try (Store store = open(engine)) {
            JournalWriter writer = writer(store, List.of());
            List<JournalRow> rows = new ArrayList<>();
            for (int seq = 1; seq <= 1000; seq++) {
                byte[] payload = ("payload-" + seq + "-" + "x".repeat(200)).getBytes(StandardCharsets.UTF_8);
                rows.add(new JournalRow("many", seq, "w", seq, "m", new Encoded(1, "", payload), null, null, null));
            }
            writer.insert("many", rows).get(10, TimeUnit.SECONDS);
            List<String> stored = store.withConnection(c -> {
                List<String> read = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT sequence_nr, write_timestamp, payload FROM journal WHERE persistence_id = ?"
                                + " ORDER BY sequence_nr")) {
                    ps.setString(1, "many");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            read.add(rs.getLong(1) + ":" + rs.getLong(2) + ":"
                                    + new String(rs.getBytes(3), StandardCharsets.UTF_8));
                        }
                    }
                }
                return read;
            });
            List<String> expected = new ArrayList<>();
            for (JournalRow row : rows) {
                expected.add(row.sequenceNr() + ":" + row.writeTimestamp() + ":"
                        + new String(row.encoded().bytes(), StandardCharsets.UTF_8));
            }
            assertEquals(expected, stored);
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void oneBadWriteInAGroupFailsAloneAndTheOthersCommit(TestEngine engine) throws Exception {
        try (Store store = open(engine)) {
            JournalWriter writer = writer(store, List.of());
            writer.insert("dup", List.of(row("dup", 1, null))).get(10, TimeUnit.SECONDS);
            // Block the lane so the next three writes are drained as one group.
            CountDownLatch release = new CountDownLatch(1);
            store.lane(store.laneFor("dup")).execute(() -> awaitQuietly(release));
            var good1 = writer.insert("dup", List.of(row("dup", 2, null)));
            var bad = writer.insert("dup", List.of(row("dup", 1, null)));
            var good2 = writer.insert("dup", List.of(row("dup", 3, null)));
            release.countDown();
            good1.get(10, TimeUnit.SECONDS);
            good2.get(10, TimeUnit.SECONDS);
            assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals(3, count(store, "SELECT COUNT(*) FROM journal WHERE persistence_id = ?", "dup"));
            assertEquals(1.0, failures(), "the bad write alone failed");
            assertEquals(3, histogram("kaged_journal_batch_events").getSum(), "the three good events committed");
        }
    }

    /**
     * A group of events no projection projects is stored whole or not at all (on PostgreSQL by one
     * auto-committed COPY, without a transaction): a write whose second event is a duplicate leaves no
     * trace of its first, and the other write of the group still commits.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aGroupNoProjectionProjectsIsStoredWholeOrNotAtAll(TestEngine engine) throws Exception {
        try (Store store = open(engine)) {
            JournalProjection elsewhere = new JournalProjection() {
                @Override
                public void project(Connection c, String pid, long seq, long ts, Object event) {
                    throw new AssertionError("asked to project " + pid + ":" + seq + ", which it does not");
                }

                @Override
                public boolean projects(String pid, Object event) {
                    return false;
                }
            };
            JournalWriter writer = writer(store, List.of(elsewhere));
            writer.insert("plain", List.of(row("plain", 1, null))).get(10, TimeUnit.SECONDS);
            CountDownLatch release = new CountDownLatch(1);
            store.lane(store.laneFor("plain")).execute(() -> awaitQuietly(release));
            var good = writer.insert("plain", List.of(row("plain", 2, null), row("plain", 3, null)));
            var bad = writer.insert("plain", List.of(row("plain", 4, null), row("plain", 1, null)));
            release.countDown();
            good.get(10, TimeUnit.SECONDS);
            assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals(3, count(store, "SELECT COUNT(*) FROM journal WHERE persistence_id = ?", "plain"));
            assertEquals(
                    0,
                    count(store, "SELECT COUNT(*) FROM journal WHERE persistence_id = ? AND sequence_nr = 4", "plain"),
                    "nothing of the refused write");
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void projectionsRunInTheEventsTransaction(TestEngine engine) throws Exception {
        try (Store store = open(engine)) {
            JournalProjection toAudit = (c, pid, seq, ts, event) -> {
                if ("boom".equals(event)) {
                    throw new SQLException("projection refused the event");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (id, at, actor, kind, subject,"
                        + " outcome) VALUES (?, ?, 'test', 'projected', ?, 'ok')")) {
                    ps.setString(1, pid + ":" + seq);
                    ps.setLong(2, ts);
                    ps.setString(3, pid);
                    ps.executeUpdate();
                }
            };
            JournalWriter writer = writer(store, List.of(toAudit));
            writer.insert("proj", List.of(row("proj", 1, "fine"), row("proj", 2, "fine")))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(2, count(store, "SELECT COUNT(*) FROM audit WHERE subject = ?", "proj"));
            var failed = writer.insert("proj", List.of(row("proj", 3, "fine"), row("proj", 4, "boom")));
            assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            // Neither the events nor their projected rows are there: journal and query table agree.
            assertEquals(2, count(store, "SELECT COUNT(*) FROM journal WHERE persistence_id = ?", "proj"));
            assertEquals(2, count(store, "SELECT COUNT(*) FROM audit WHERE subject = ?", "proj"));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
