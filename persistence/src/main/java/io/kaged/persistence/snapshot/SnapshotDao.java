package io.kaged.persistence.snapshot;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/** The snapshot store's SQL, identical on both engines. */
final class SnapshotDao {

    /**
     * A stored snapshot, not yet deserialized.
     *
     * @param metadata Pekko's snapshot metadata, null if it has none
     */
    record StoredSnapshot(long sequenceNr, long createdAt, Encoded encoded, Encoded metadata) {}

    private static final String MATCHES = " WHERE persistence_id = ? AND sequence_nr >= ? AND sequence_nr <= ?"
            + " AND created_at >= ? AND created_at <= ?";

    private SnapshotDao() {}

    /** Saves, or replaces with all its columns, the snapshot at {@code sequenceNr}; metadata may be null. */
    static void save(
            Connection c, String persistenceId, long sequenceNr, long createdAt, Encoded encoded, Encoded metadata)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshot (persistence_id, sequence_nr,"
                + " created_at, ser_id, ser_manifest, payload, meta_ser_id, meta_ser_manifest, meta_payload)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET created_at = excluded.created_at,"
                + " ser_id = excluded.ser_id, ser_manifest = excluded.ser_manifest, payload = excluded.payload,"
                + " meta_ser_id = excluded.meta_ser_id, meta_ser_manifest = excluded.meta_ser_manifest,"
                + " meta_payload = excluded.meta_payload")) {
            ps.setString(1, persistenceId);
            ps.setLong(2, sequenceNr);
            ps.setLong(3, createdAt);
            ps.setInt(4, encoded.serializerId());
            ps.setString(5, encoded.manifest());
            ps.setBytes(6, encoded.bytes());
            if (metadata == null) {
                ps.setNull(7, Types.INTEGER);
                ps.setNull(8, Types.VARCHAR);
                ps.setNull(9, Types.BINARY);
            } else {
                ps.setInt(7, metadata.serializerId());
                ps.setString(8, metadata.manifest());
                ps.setBytes(9, metadata.bytes());
            }
            ps.executeUpdate();
        }
    }

    /** The newest {@code limit} snapshots matching the criteria, newest first. */
    static List<StoredSnapshot> newest(
            Connection c, String persistenceId, SnapshotSelectionCriteria criteria, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sequence_nr, created_at, ser_id, ser_manifest, payload,"
                + " meta_ser_id, meta_ser_manifest, meta_payload FROM snapshot" + MATCHES
                + " ORDER BY sequence_nr DESC LIMIT ?")) {
            bindCriteria(ps, persistenceId, criteria);
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<StoredSnapshot> found = new ArrayList<>();
                while (rs.next()) {
                    byte[] meta = rs.getBytes(8);
                    found.add(new StoredSnapshot(
                            rs.getLong(1),
                            rs.getLong(2),
                            new Encoded(rs.getInt(3), rs.getString(4), rs.getBytes(5)),
                            meta == null ? null : new Encoded(rs.getInt(6), rs.getString(7), meta)));
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
