package io.kaged.actors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Every row that belongs to some runs or sessions, in every table of the store: the query row, the
 * recorded output ({@code transcripts}), the {@code checkpoints}, and under the persistence id the
 * {@code journal}, {@code journal_deletions} and {@code snapshot} rows. Only the audit log keeps their
 * ids, by design. A new table holding such rows belongs here; the purge tests enumerate the schema to
 * catch one that does not.
 *
 * <p>Runs as part of the caller's transaction. Ids go in as bound parameters, a bounded number per
 * statement, so a long list never meets an engine's parameter limit.
 */
public final class OwnerRows {

    /** Whose rows: the query table and the persistence-id prefix of its actors. */
    public enum Kind {
        RUN("runs", "run|"),
        SESSION("sessions", "session|");

        private final String table;
        private final String pidPrefix;

        Kind(String table, String pidPrefix) {
            this.table = table;
            this.pidPrefix = pidPrefix;
        }

        public String persistenceId(String id) {
            return pidPrefix + id;
        }

        /** The query table: {@code runs} or {@code sessions}. */
        public String table() {
            return table;
        }

        public String pidPrefix() {
            return pidPrefix;
        }
    }

    private static final int CHUNK = 500;

    private OwnerRows() {}

    /** What deleting these owners would remove. */
    public static Removed count(Connection c, Kind kind, List<String> ids) throws SQLException {
        Removed total = Removed.NONE;
        for (List<String> part : chunks(ids)) {
            List<String> pids = part.stream().map(kind::persistenceId).toList();
            long[] events = sumAndCount(c, "journal", "persistence_id", "LENGTH(payload)", pids);
            long[] snapshots = sumAndCount(c, "snapshot", "persistence_id", "LENGTH(payload)", pids);
            long[] chunks = sumAndCount(c, "transcripts", "owner_id", "LENGTH(data)", part);
            long[] checkpoints = sumAndCount(c, "checkpoints", "owner_id", "0", part);
            long[] items = sumAndCount(c, kind.table, "id", "0", part);
            total = total.plus(new Removed(
                    items[0],
                    events[0],
                    snapshots[0],
                    checkpoints[0],
                    chunks[0],
                    events[1] + snapshots[1] + chunks[1]));
        }
        return total;
    }

    /**
     * Counts, then deletes every row of these owners. For runs, {@code ids} must list children before
     * their parents (or together in one chunk): {@code runs.parent_id} refers to {@code runs.id}.
     */
    public static Removed delete(Connection c, Kind kind, List<String> ids) throws SQLException {
        Removed removed = count(c, kind, ids);
        for (List<String> part : chunks(ids)) {
            List<String> pids = part.stream().map(kind::persistenceId).toList();
            deleteWhere(c, "transcripts", "owner_id", part);
            deleteWhere(c, "checkpoints", "owner_id", part);
            if (kind == Kind.RUN) {
                deleteWhere(c, "approvals", "run_id", part);
            }
            deleteWhere(c, "journal", "persistence_id", pids);
            deleteWhere(c, "journal_deletions", "persistence_id", pids);
            deleteWhere(c, "snapshot", "persistence_id", pids);
        }
        for (List<String> part : chunks(ids)) {
            deleteWhere(c, kind.table, "id", part);
        }
        return removed;
    }

    private static List<List<String>> chunks(List<String> ids) {
        if (ids.isEmpty()) {
            return Collections.emptyList();
        }
        List<List<String>> parts = new java.util.ArrayList<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            parts.add(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
        }
        return parts;
    }

    /** {@code [COUNT(*), SUM(sizeExpr)]} of the rows whose {@code column} is one of {@code values}. */
    private static long[] sumAndCount(Connection c, String table, String column, String sizeExpr, List<String> values)
            throws SQLException {
        String sql = "SELECT COUNT(*), COALESCE(SUM(" + sizeExpr + "), 0) FROM " + table + " WHERE " + column + " IN ("
                + placeholders(values.size()) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static void deleteWhere(Connection c, String table, String column, List<String> values)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + table + " WHERE " + column + " IN (" + placeholders(values.size()) + ")")) {
            bind(ps, values);
            ps.executeUpdate();
        }
    }

    public static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static void bind(PreparedStatement ps, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(i + 1, values.get(i));
        }
    }
}
