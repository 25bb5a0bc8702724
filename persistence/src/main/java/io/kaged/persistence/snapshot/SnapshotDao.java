package io.kaged.persistence.snapshot;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/** The snapshot store's SQL, identical on both engines. */
final class SnapshotDao {

    /** A stored snapshot, not yet deserialized. */
    record StoredSnapshot(long sequenceNr, long createdAt, Encoded encoded) {}

    private static final String MATCHES = " WHERE persistence_id = ? AND sequence_nr >= ? AND sequence_nr <= ?"
            + " AND created_at >= ? AND created_at <= ?";

    private SnapshotDao() {}

    static void save(Connection c, String persistenceId, long sequenceNr, long createdAt, Encoded encoded)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshot (persistence_id, sequence_nr,"
                + " created_at, ser_id, ser_manifest, payload) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET created_at = excluded.created_at,"
                + " ser_id = excluded.ser_id, ser_manifest = excluded.ser_manifest, payload = excluded.payload")) {
            ps.setString(1, persistenceId);
            ps.setLong(2, sequenceNr);
            ps.setLong(3, createdAt);
            ps.setInt(4, encoded.serializerId());
            ps.setString(5, encoded.manifest());
            ps.setBytes(6, encoded.bytes());
            ps.executeUpdate();
        }
    }

    /** The newest {@code limit} snapshots matching the criteria, newest first. */
    static List<StoredSnapshot> newest(
            Connection c, String persistenceId, SnapshotSelectionCriteria criteria, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sequence_nr, created_at, ser_id, ser_manifest, payload"
                + " FROM snapshot" + MATCHES + " ORDER BY sequence_nr DESC LIMIT ?")) {
            bindCriteria(ps, persistenceId, criteria);
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<StoredSnapshot> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(new StoredSnapshot(
                            rs.getLong(1), rs.getLong(2), new Encoded(rs.getInt(3), rs.getString(4), rs.getBytes(5))));
                }
                return found;
            }
        }
    }

    static void delete(Connection c, String persistenceId, long sequenceNr) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM snapshot WHERE persistence_id = ? AND sequence_nr = ?")) {
            ps.setString(1, persistenceId);
            ps.setLong(2, sequenceNr);
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, String persistenceId, SnapshotSelectionCriteria criteria) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM snapshot" + MATCHES)) {
            bindCriteria(ps, persistenceId, criteria);
            ps.executeUpdate();
        }
    }

    private static void bindCriteria(PreparedStatement ps, String persistenceId, SnapshotSelectionCriteria criteria)
            throws SQLException {
        ps.setString(1, persistenceId);
        ps.setLong(2, criteria.minSequenceNr());
        ps.setLong(3, criteria.maxSequenceNr());
        ps.setLong(4, criteria.minTimestamp());
        ps.setLong(5, criteria.maxTimestamp());
    }
}
