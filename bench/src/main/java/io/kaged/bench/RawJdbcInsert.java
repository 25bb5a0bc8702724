package io.kaged.bench;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import io.kaged.persistence.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The physical limit the journal is measured against: batched INSERTs of journal-shaped rows, as many
 * per transaction as the journal's group commit gets from {@code ids} concurrent writers, with nothing
 * else in the way (no actors, no serialization, no futures per event).
 *
 * <p>Row {@code r} belongs to id {@code r % ids} with sequence number {@code r / ids + 1}, so each
 * transaction holds one row of many ids, like a grouped journal commit. Transactions are spread over the
 * store's write lanes (one on SQLite, a few on PostgreSQL), the same threads and pool the journal uses.
 */
final class RawJdbcInsert {

    /** The journal's own INSERT, column for column. */
    private static final String INSERT = "INSERT INTO journal (persistence_id, sequence_nr, writer_uuid,"
            + " write_timestamp, event_manifest, ser_id, ser_manifest, payload, tags)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    record Result(long rows, long commits, long nanos) {
        double perSecond() {
            return rows / (nanos / 1e9);
        }
    }

    private RawJdbcInsert() {}

    static Result run(Store store, Encoded payload, String idPrefix, int ids, int rows, int rowsPerCommit) {
        String writerUuid = UUID.randomUUID().toString();
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        long start = System.nanoTime();
        for (int first = 0, k = 0; first < rows; first += rowsPerCommit, k++) {
            int from = first;
            int to = Math.min(rows, first + rowsPerCommit);
            commits.add(CompletableFuture.runAsync(
                    () -> insert(store, payload, writerUuid, idPrefix, ids, from, to),
                    store.lane(k % store.laneCount())));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();
        return new Result(rows, commits.size(), System.nanoTime() - start);
    }

    private static void insert(
            Store store, Encoded payload, String writerUuid, String idPrefix, int ids, int from, int to) {
        long now = System.currentTimeMillis();
        try {
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (int r = from; r < to; r++) {
                        ps.setString(1, idPrefix + (r % ids));
                        ps.setLong(2, r / ids + 1);
                        ps.setString(3, writerUuid);
                        ps.setLong(4, now);
                        ps.setString(5, "");
                        ps.setInt(6, payload.serializerId());
                        ps.setString(7, payload.manifest());
                        ps.setBytes(8, payload.bytes());
                        ps.setString(9, null);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }
}
