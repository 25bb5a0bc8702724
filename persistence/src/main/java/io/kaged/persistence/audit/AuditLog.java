package io.kaged.persistence.audit;

import io.kaged.persistence.store.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the audit table. Append-only by construction: there is no update or delete here, and
 * callers write an entry in the same transaction as the change it records where there is one.
 */
public final class AuditLog {

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    public AuditEntry append(Connection c, String actor, String kind, String subject, String outcome, String detail)
            throws SQLException {
        AuditEntry entry = entry(actor, kind, subject, outcome, detail);
        insert(c, List.of(entry));
        return entry;
    }

    /** An entry stamped now, to be inserted later (see {@link #insert}). */
    public AuditEntry entry(String actor, String kind, String subject, String outcome, String detail) {
        return new AuditEntry(Ids.newId(), clock.instant(), actor, kind, subject, outcome, detail);
    }

    /** Inserts entries made by {@link #entry}, in one JDBC batch. */
    public static void insert(Connection c, List<AuditEntry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit (id, at, actor, kind, subject, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEntry entry : entries) {
                ps.setString(1, entry.id());
                ps.setLong(2, entry.at().toEpochMilli());
                ps.setString(3, entry.actor());
                ps.setString(4, entry.kind());
                ps.setString(5, entry.subject());
                ps.setString(6, entry.outcome());
                ps.setString(7, entry.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The newest {@code limit} entries of one kind, newest first. */
    public static List<AuditEntry> latest(Connection c, String kind, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, at, actor, kind, subject, outcome, detail"
                + " FROM audit WHERE kind = ? ORDER BY id DESC LIMIT ?")) {
            ps.setString(1, kind);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<AuditEntry> entries = new ArrayList<>();
                while (rs.next()) {
                    entries.add(new AuditEntry(
                            rs.getString(1),
                            java.time.Instant.ofEpochMilli(rs.getLong(2)),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7)));
                }
                return entries;
            }
        }
    }
}
