package io.kaged.actors.retention;

import io.kaged.actors.OwnerRows;
import io.kaged.actors.Removed;
import io.kaged.actors.Sql;
import io.kaged.actors.run.RunPurge;
import io.kaged.persistence.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of retention, the same on both engines. The plan and the batches name the same rows: a run is
 * removable when it and every run below it are finished and ended before the cutoff. The plan finds them
 * with a recursive query (the ancestors of every run that stays are kept); the batches take removable
 * leaves, whose parents become leaves for the next batch, so a parent never goes before its children.
 * Every batch checks its rows again inside its own transaction.
 */
final class RetentionQueries {

    private static final String RUN_QUALIFIES =
            "state IN " + RunPurge.FINISHED_SQL + " AND ended_at IS NOT NULL AND ended_at < ?";

    /** Two parameters, both the runs' cutoff. */
    private static final String REMOVABLE_RUNS = "WITH RECURSIVE blocked (id) AS ("
            + " SELECT parent_id FROM runs WHERE parent_id IS NOT NULL AND NOT (" + RUN_QUALIFIES + ")"
            + " UNION SELECT r.parent_id FROM runs r JOIN blocked b ON r.id = b.id WHERE r.parent_id IS NOT NULL),"
            + " removable (id, ended_at) AS (SELECT id, ended_at FROM runs WHERE " + RUN_QUALIFIES
            + " AND id NOT IN (SELECT id FROM blocked)) ";

    private static final String SESSION_QUALIFIES =
            "state IN ('exited', 'closed', 'interrupted') AND COALESCE(ended_at, updated_at) < ?";

    /** One parameter, the sessions' cutoff. */
    private static final String REMOVABLE_SESSIONS =
            "WITH removable (id, ended_at) AS (SELECT id, COALESCE(ended_at, updated_at) FROM sessions WHERE "
                    + SESSION_QUALIFIES + ") ";

    /** What one batch deleted: the owners, their counts, and the range of their end times. */
    record Batch(List<String> ids, Removed removed, Long oldest, Long newest) {}

    /** How much of one run's output goes: chunks up to {@code uptoChunk}, oldest first. */
    record Trim(String runId, long uptoChunk, long chunks, long bytes) {}

    private RetentionQueries() {}

    // ---- plan -------------------------------------------------------------------------------------

    static RetentionReport.Part planRuns(Connection c, long endedBefore) throws SQLException {
        return plan(c, REMOVABLE_RUNS, new Object[] {endedBefore, endedBefore}, OwnerRows.Kind.RUN);
    }

    static RetentionReport.Part planSessions(Connection c, long endedBefore) throws SQLException {
        return plan(c, REMOVABLE_SESSIONS, new Object[] {endedBefore}, OwnerRows.Kind.SESSION);
    }

    /** Sums over the owners the CTE {@code removable} names, with the same counting as {@link OwnerRows}. */
    private static RetentionReport.Part plan(Connection c, String removable, Object[] args, OwnerRows.Kind kind)
            throws SQLException {
        long[] items = row(c, removable + "SELECT COUNT(*), MIN(ended_at), MAX(ended_at) FROM removable", args);
        if (items[0] == 0) {
            return RetentionReport.Part.NONE;
        }
        String pids = "(SELECT '" + kind.pidPrefix() + "' || id FROM removable)";
        long[] events = row(
                c,
                removable + "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM journal WHERE persistence_id IN "
                        + pids,
                args);
        long[] snapshots = row(
                c,
                removable + "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM snapshot WHERE persistence_id IN "
                        + pids,
                args);
        long[] chunks = row(
                c,
                removable + "SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM transcripts WHERE owner_id IN"
                        + " (SELECT id FROM removable)",
                args);
        long[] checkpoints = row(
                c,
                removable + "SELECT COUNT(*), 0 FROM checkpoints WHERE owner_id IN (SELECT id FROM removable)",
                args);
        Removed r = new Removed(
                items[0], events[0], snapshots[0], checkpoints[0], chunks[0], events[1] + snapshots[1] + chunks[1]);
        return RetentionReport.Part.of(r, items[1], items[2]);
    }

    /**
     * Finished runs whose output is over {@code maxBytes}, in id order, leaving out runs the runs' rule
     * removes whole ({@code runsEndedBefore} null: none), with what trimming each would remove.
     */
    static List<Trim> oversized(Connection c, long maxBytes, Long runsEndedBefore, int limit) throws SQLException {
        String sql = (runsEndedBefore == null ? "" : REMOVABLE_RUNS)
                + "SELECT t.owner_id FROM transcripts t JOIN runs r ON r.id = t.owner_id WHERE r.state IN "
                + RunPurge.FINISHED_SQL
                + (runsEndedBefore == null ? "" : " AND r.id NOT IN (SELECT id FROM removable)")
                + " GROUP BY t.owner_id HAVING SUM(LENGTH(t.data)) > ? ORDER BY t.owner_id LIMIT ?";
        List<String> owners = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (runsEndedBefore != null) {
                ps.setLong(i++, runsEndedBefore);
                ps.setLong(i++, runsEndedBefore);
            }
            ps.setLong(i++, maxBytes);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1));
                }
            }
        }
        List<Trim> trims = new ArrayList<>();
        for (String owner : owners) {
            Trim t = trim(c, owner, maxBytes);
            if (t.chunks() > 0) {
                trims.add(t);
            }
        }
        return trims;
    }

    /** Keeps the newest chunks that together fit in {@code maxBytes}; the older ones go. */
    private static Trim trim(Connection c, String runId, long maxBytes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT chunk_seq, LENGTH(data) FROM transcripts WHERE owner_id = ? ORDER BY chunk_seq DESC")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                long kept = 0;
                long upto = -1;
                long chunks = 0;
                long bytes = 0;
                while (rs.next()) {
                    long size = rs.getLong(2);
                    if (upto < 0 && kept + size <= maxBytes) {
                        kept += size;
                        continue;
                    }
                    if (upto < 0) {
                        upto = rs.getLong(1);
                    }
                    chunks++;
                    bytes += size;
                }
                return new Trim(runId, upto, chunks, bytes);
            }
        }
    }

    // ---- batches ----------------------------------------------------------------------------------

    /** Up to {@code limit} removable runs with no child left, in id order. */
    static List<String> runLeaves(Connection c, long endedBefore, int limit) throws SQLException {
        return ids(
                c,
                "SELECT id FROM runs r WHERE " + RUN_QUALIFIES
                        + " AND NOT EXISTS (SELECT 1 FROM runs k WHERE k.parent_id = r.id) ORDER BY id LIMIT ?",
                endedBefore,
                limit);
    }

    static List<String> endedSessions(Connection c, long endedBefore, int limit) throws SQLException {
        return ids(
                c, "SELECT id FROM sessions WHERE " + SESSION_QUALIFIES + " ORDER BY id LIMIT ?", endedBefore, limit);
    }

    /** Deletes those of {@code ids} that are still removable leaves, with an audit row for the batch. */
    static Batch deleteRuns(Connection c, List<String> ids, long endedBefore, AuditLog audit, String actor)
            throws SQLException {
        List<long[]> ends = new ArrayList<>();
        List<String> confirmed = confirm(
                c,
                "SELECT id, ended_at FROM runs r WHERE " + RUN_QUALIFIES
                        + " AND NOT EXISTS (SELECT 1 FROM runs k WHERE k.parent_id = r.id) AND id IN ",
                endedBefore,
                ids,
                ends);
        return delete(c, OwnerRows.Kind.RUN, confirmed, ends, endedBefore, audit, actor);
    }

    static Batch deleteSessions(Connection c, List<String> ids, long endedBefore, AuditLog audit, String actor)
            throws SQLException {
        List<long[]> ends = new ArrayList<>();
        List<String> confirmed = confirm(
                c,
                "SELECT id, COALESCE(ended_at, updated_at) FROM sessions WHERE " + SESSION_QUALIFIES + " AND id IN ",
                endedBefore,
                ids,
                ends);
        return delete(c, OwnerRows.Kind.SESSION, confirmed, ends, endedBefore, audit, actor);
    }

    /** Trims the output of these runs again measured, with an audit row for the batch. */
    static List<Trim> trimRuns(Connection c, List<String> runIds, long maxBytes, AuditLog audit, String actor)
            throws SQLException {
        List<Trim> done = new ArrayList<>();
        for (String id : runIds) {
            Trim t = trim(c, id, maxBytes);
            if (t.chunks() > 0) {
                Sql.update(c, "DELETE FROM transcripts WHERE owner_id = ? AND chunk_seq <= ?", id, t.uptoChunk());
                done.add(t);
            }
        }
        if (!done.isEmpty()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("runsTrimmed", done.size());
            detail.put("chunks", done.stream().mapToLong(Trim::chunks).sum());
            detail.put("bytes", done.stream().mapToLong(Trim::bytes).sum());
            detail.put("maxBytesPerRun", maxBytes);
            detail.put("ids", done.stream().map(Trim::runId).toList());
            audit.append(c, actor, "retention.prune", "transcripts", "ok", Sql.json(detail));
        }
        return done;
    }

    private static Batch delete(
            Connection c,
            OwnerRows.Kind kind,
            List<String> ids,
            List<long[]> ends,
            long endedBefore,
            AuditLog audit,
            String actor)
            throws SQLException {
        if (ids.isEmpty()) {
            return new Batch(ids, Removed.NONE, null, null);
        }
        Removed removed = OwnerRows.delete(c, kind, ids);
        Long oldest = ends.stream().mapToLong(e -> e[0]).min().orElseThrow();
        Long newest = ends.stream().mapToLong(e -> e[0]).max().orElseThrow();
        Map<String, Object> detail = new LinkedHashMap<>(removed.named(kind.table()));
        detail.put("endedBefore", java.time.Instant.ofEpochMilli(endedBefore).toString());
        detail.put("ids", ids);
        audit.append(c, actor, "retention.prune", kind.table(), "ok", Sql.json(detail));
        return new Batch(ids, removed, oldest, newest);
    }

    /** The ids of {@code ids} that {@code sqlUpToIn} (ending in "id IN ") still selects, with their ends. */
    private static List<String> confirm(
            Connection c, String sqlUpToIn, long endedBefore, List<String> ids, List<long[]> ends) throws SQLException {
        List<String> confirmed = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 500) {
            List<String> part = ids.subList(i, Math.min(ids.size(), i + 500));
            try (PreparedStatement ps =
                    c.prepareStatement(sqlUpToIn + "(" + OwnerRows.placeholders(part.size()) + ") ORDER BY id")) {
                ps.setLong(1, endedBefore);
                for (int k = 0; k < part.size(); k++) {
                    ps.setString(k + 2, part.get(k));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        confirmed.add(rs.getString(1));
                        ends.add(new long[] {rs.getLong(2)});
                    }
                }
            }
        }
        return confirmed;
    }

    private static List<String> ids(Connection c, String sql, long cutoff, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, cutoff);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
                return ids;
            }
        }
    }

    /** One row of numbers: {@code [count, a, b]} with null read as 0. */
    private static long[] row(Connection c, String sql, Object[] args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int n = rs.getMetaData().getColumnCount();
                long[] values = new long[3];
                for (int i = 0; i < n && i < 3; i++) {
                    values[i] = rs.getLong(i + 1);
                }
                return values;
            }
        }
    }
}
