package io.kaged.persistence.journal;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The journal's SQL, identical on both engines. Deleted events are removed for real; the highest deleted
 * sequence number is kept in {@code journal_deletions} so that the highest sequence number of an id
 * never goes back after a delete (a recreated actor must not reuse numbers).
 */
final class JournalDao {

    /** The columns an insert fills, in this order in {@link BatchInserts} and {@link CopyInserts}. */
    static final String COLUMNS = "persistence_id, sequence_nr, writer_uuid, write_timestamp, event_manifest,"
            + " ser_id, ser_manifest, payload, tags, meta_ser_id, meta_ser_manifest, meta_payload";

    static final String INSERT = "INSERT INTO journal (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * A replay reads its rows in queries of at most this many; the first query is short, so that the
     * strings it learns ({@link #REPLAY}) serve the long ones after it.
     */
    static final int REPLAY_CHUNK = 4096;

    static final int FIRST_REPLAY_CHUNK = 16;

    /**
     * The three strings of a row come back as NULL when they equal the ones given (those of the last row
     * read before): they are all NOT NULL, so NULL can only mean "as before". Reading a string column is
     * most of a row's cost on SQLite (half of 4 us a row, measured), and an id's events share the writer
     * and a few manifests. The metadata columns are read as they are: NULL there means no metadata.
     */
    private static final String REPLAY = "SELECT sequence_nr, NULLIF(writer_uuid, ?), write_timestamp,"
            + " NULLIF(event_manifest, ?), ser_id, NULLIF(ser_manifest, ?), payload, meta_ser_id,"
            + " meta_ser_manifest, meta_payload FROM journal"
            + " WHERE persistence_id = ? AND sequence_nr >= ? AND sequence_nr <= ? ORDER BY sequence_nr LIMIT ?";

    /**
     * A stored event, not yet deserialized.
     *
     * @param metadata its Pekko metadata, null if it has none
     */
    record StoredEvent(
            long sequenceNr,
            String writerUuid,
            long writeTimestamp,
            String eventManifest,
            Encoded encoded,
            Encoded metadata) {}

    interface RowConsumer {
        void accept(StoredEvent event);
    }

    private JournalDao() {}

    static long highestSequenceNr(Connection c, String persistenceId) throws SQLException {
        long stored = singleLong(c, "SELECT MAX(sequence_nr) FROM journal WHERE persistence_id = ?", persistenceId);
        long deleted =
                singleLong(c, "SELECT deleted_to FROM journal_deletions WHERE persistence_id = ?", persistenceId);
        return Math.max(stored, deleted);
    }

    static void deleteTo(Connection c, String persistenceId, long toSequenceNr) throws SQLException {
        long highest = highestSequenceNr(c, persistenceId);
        long deletedTo = Math.min(toSequenceNr, highest);
        if (deletedTo <= 0) {
            return;
        }
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM journal WHERE persistence_id = ? AND sequence_nr <= ?")) {
            ps.setString(1, persistenceId);
            ps.setLong(2, deletedTo);
            ps.executeUpdate();
        }
        long previous =
                singleLong(c, "SELECT deleted_to FROM journal_deletions WHERE persistence_id = ?", persistenceId);
        if (deletedTo <= previous) {
            return;
        }
        // Portable upsert: both engines accept ON CONFLICT ... DO UPDATE with excluded.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal_deletions (persistence_id, deleted_to)"
                + " VALUES (?, ?) ON CONFLICT (persistence_id) DO UPDATE SET deleted_to = excluded.deleted_to")) {
            ps.setString(1, persistenceId);
            ps.setLong(2, deletedTo);
            ps.executeUpdate();
        }
    }

    static void replay(Connection c, String persistenceId, long from, long to, long max, RowConsumer consumer)
            throws SQLException {
        // Strings of the last row read; null at first, and NULLIF(x, NULL) is x.
        String writer = null;
        String eventManifest = null;
        String serManifest = null;
        long next = from;
        long left = max;
        int chunk = FIRST_REPLAY_CHUNK;
        try (PreparedStatement ps = c.prepareStatement(REPLAY)) {
            while (left > 0 && next <= to) {
                long limit = Math.min(left, chunk);
                ps.setString(1, writer);
                ps.setString(2, eventManifest);
                ps.setString(3, serManifest);
                ps.setString(4, persistenceId);
                ps.setLong(5, next);
                ps.setLong(6, to);
                ps.setLong(7, limit);
                ps.setFetchSize((int) Math.min(limit, 1000));
                // The strings this query compares with stay fixed while it runs; the next one gets the latest.
                String sameWriter = writer;
                String sameEventManifest = eventManifest;
                String sameSerManifest = serManifest;
                long read = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long sequenceNr = rs.getLong(1);
                        writer = orSame(rs.getString(2), sameWriter);
                        long timestamp = rs.getLong(3);
                        eventManifest = orSame(rs.getString(4), sameEventManifest);
                        int serializerId = rs.getInt(5);
                        serManifest = orSame(rs.getString(6), sameSerManifest);
                        consumer.accept(new StoredEvent(
                                sequenceNr,
                                writer,
                                timestamp,
                                eventManifest,
                                new Encoded(serializerId, serManifest, rs.getBytes(7)),
                                metadata(rs)));
                        next = sequenceNr + 1;
                        read++;
                    }
                }
                if (read < limit) {
                    return; // the id has no more rows in the range
                }
                left -= read;
                chunk = REPLAY_CHUNK;
            }
        }
    }

    /** Columns 8–10 of {@link #REPLAY}; the bytes are NULL exactly when the event has no metadata. */
    private static Encoded metadata(ResultSet rs) throws SQLException {
        byte[] bytes = rs.getBytes(10);
        return bytes == null ? null : new Encoded(rs.getInt(8), rs.getString(9), bytes);
    }

    private static String orSame(String read, String same) {
        return read == null ? same : read;
    }

    private static long singleLong(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }
}
