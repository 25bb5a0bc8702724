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

    static final String INSERT = "INSERT INTO journal (persistence_id, sequence_nr, writer_uuid, write_timestamp,"
            + " event_manifest, ser_id, ser_manifest, payload, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String REPLAY = "SELECT sequence_nr, writer_uuid, write_timestamp, event_manifest, ser_id,"
            + " ser_manifest, payload FROM journal WHERE persistence_id = ? AND sequence_nr >= ?"
            + " AND sequence_nr <= ? ORDER BY sequence_nr LIMIT ?";

    /** A stored event, not yet deserialized. */
    record StoredEvent(
            long sequenceNr, String writerUuid, long writeTimestamp, String eventManifest, Encoded encoded) {}

    interface RowConsumer {
        void accept(StoredEvent event);
    }

    private JournalDao() {}

    static void bindInsert(PreparedStatement ps, JournalRow row) throws SQLException {
        ps.setString(1, row.persistenceId());
        ps.setLong(2, row.sequenceNr());
        ps.setString(3, row.writerUuid());
        ps.setLong(4, row.writeTimestamp());
        ps.setString(5, row.eventManifest());
        ps.setInt(6, row.encoded().serializerId());
        ps.setString(7, row.encoded().manifest());
        ps.setBytes(8, row.encoded().bytes());
        ps.setString(9, row.tags());
    }

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
        if (max <= 0 || to < from) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(REPLAY)) {
            ps.setString(1, persistenceId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setLong(4, max);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(new StoredEvent(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getString(4),
                            new Encoded(rs.getInt(5), rs.getString(6), rs.getBytes(7))));
                }
            }
        }
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
