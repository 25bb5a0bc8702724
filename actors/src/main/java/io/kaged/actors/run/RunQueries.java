package io.kaged.actors.run;

import io.kaged.actors.Sql;
import io.kaged.actors.query.ListQuery;
import io.kaged.actors.query.Page;
import io.kaged.persistence.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Reads of the run query tables: plain SQL on the store's read threads. */
public final class RunQueries {

    private static final String COLUMNS = "r.id, r.parent_id, r.session_id, r.project, r.state, r.command, r.cwd,"
            + " r.env, r.timeout_ms, r.retries, r.attempts, r.exit_code, r.created_at, r.started_at, r.ended_at";
    /** The number of children of the run {@code %s} names. */
    private static final String CHILDREN = "(SELECT COUNT(*) FROM runs c WHERE c.parent_id = %s.id) AS children";

    /**
     * The ids of every descendant of the run its one parameter names (children, their children, ...), not
     * that run itself: a subquery for {@code IN (...)}. {@code UNION}, not {@code UNION ALL}, so that even a
     * damaged table with a cycle ends.
     */
    public static final String DESCENDANTS_OF = "WITH RECURSIVE down (id) AS (SELECT id FROM runs WHERE parent_id = ?"
            + " UNION SELECT r.id FROM runs r JOIN down d ON r.parent_id = d.id) SELECT id FROM down";

    private final Store store;

    public RunQueries(Store store) {
        this.store = store;
    }

    public CompletableFuture<Page<RunView>> list(RunFilter f) {
        return store.read(c -> {
            ListQuery q = new ListQuery("SELECT " + COLUMNS + " FROM runs r", "r.id")
                    .perItem(CHILDREN.formatted("p"))
                    .where(" AND r.state = ?", f.state())
                    .where(" AND r.project = ?", f.project())
                    .where(" AND r.parent_id = ?", f.parentId())
                    .where(" AND r.exit_code = ?", f.exitCode())
                    .where(" AND r.command_name = ?", f.command())
                    .createdBetween("r.created_at", f.createdAfter(), f.createdBefore());
            return q.page(c, f.paging(), RunQueries::view, RunView::id, f.outputContains());
        });
    }

    public CompletableFuture<Optional<RunView>> get(String id) {
        return store.read(c -> Sql.first(
                c,
                "SELECT " + COLUMNS + ", " + CHILDREN.formatted("r") + " FROM runs r WHERE r.id = ?",
                RunQueries::view,
                id));
    }

    /**
     * Whether run {@code id} is a descendant of run {@code ancestor} (its child, grandchild, ...): walks up
     * from {@code id} along {@code parent_id}, so it reads as many rows as the tree is deep.
     */
    public CompletableFuture<Boolean> isDescendant(String id, String ancestor) {
        return store.read(c -> !Sql.rows(
                        c,
                        "WITH RECURSIVE up (id) AS (SELECT parent_id FROM runs WHERE id = ?"
                                + " UNION SELECT r.parent_id FROM runs r JOIN up u ON r.id = u.id)"
                                + " SELECT id FROM up WHERE id = ?",
                        rs -> rs.getString(1),
                        id,
                        ancestor)
                .isEmpty());
    }

    /** Ids of runs that were queued or running: the ones to recover at start. */
    public CompletableFuture<List<String>> live() {
        return store.read(
                c -> Sql.strings(c, "SELECT id FROM runs WHERE state IN ('queued', 'running', 'paused') ORDER BY id"));
    }

    /** Ids of the children of run {@code parentId} that have not finished: the ones its end cancels. */
    public CompletableFuture<List<String>> liveChildren(String parentId) {
        return store.read(c -> Sql.rows(
                c,
                "SELECT id FROM runs WHERE parent_id = ? AND state IN ('queued', 'running', 'paused') ORDER BY id",
                rs -> rs.getString(1),
                parentId));
    }

    /** A run that has not finished although its parent was cancelled or timed out. */
    public record Orphan(String id, String parentState) {}

    /**
     * Unfinished runs whose parent was cancelled or timed out: a daemon stopped between the parent's end and
     * its children's leaves these, and recovery ends them (an abandoned one stays, its actor decides).
     */
    public CompletableFuture<List<Orphan>> orphans() {
        return store.read(c -> Sql.rows(
                c,
                "SELECT c.id, p.state FROM runs c JOIN runs p ON p.id = c.parent_id"
                        + " WHERE c.state IN ('queued', 'running', 'paused') AND p.state IN ('cancelled', 'timed-out')"
                        + " ORDER BY c.id",
                rs -> new Orphan(rs.getString(1), rs.getString(2))));
    }

    /** A checkpoint as the API lists it. */
    public record CheckpointView(String id, long sequenceNr, String label, String reason, String createdAt) {}

    /** A run's checkpoints, oldest first. */
    public CompletableFuture<List<CheckpointView>> checkpoints(String id) {
        return store.read(c -> checkpointsOf(c, id));
    }

    /** The checkpoints of run or session {@code ownerId}, oldest first. */
    public static List<CheckpointView> checkpointsOf(java.sql.Connection c, String ownerId) throws SQLException {
        return Sql.rows(
                c,
                "SELECT id, sequence_nr, label, reason, created_at FROM checkpoints WHERE owner_id = ?"
                        + " ORDER BY created_at, id",
                rs -> new CheckpointView(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)).toString()),
                ownerId);
    }

    /**
     * The recorded output, in order; one stream, or both interleaved as produced when {@code stream} is null.
     * Output a rollback set aside is left out unless {@code withSuperseded}.
     */
    public CompletableFuture<byte[]> output(String id, String stream, boolean withSuperseded) {
        String sql = "SELECT data FROM transcripts WHERE owner_id = ?"
                + (withSuperseded ? "" : " AND superseded_by IS NULL")
                + (stream == null ? "" : " AND stream = ?") + " ORDER BY chunk_seq";
        return store.read(c -> stream == null ? Sql.joinedBytes(c, sql, id) : Sql.joinedBytes(c, sql, id, stream));
    }

    private static RunView view(ResultSet rs) throws SQLException {
        Long started = Sql.nullableLong(rs, "started_at");
        Long ended = Sql.nullableLong(rs, "ended_at");
        return new RunView(
                rs.getString("id"),
                rs.getString("parent_id"),
                rs.getString("session_id"),
                rs.getString("project"),
                rs.getString("state"),
                Sql.stringList(rs, "command"),
                rs.getString("cwd"),
                Sql.keys(rs, "env"),
                Sql.nullableLong(rs, "timeout_ms"),
                rs.getInt("retries"),
                rs.getInt("attempts"),
                Sql.nullableInt(rs, "exit_code"),
                rs.getInt("children"),
                Sql.iso(rs, "created_at"),
                Sql.iso(rs, "started_at"),
                Sql.iso(rs, "ended_at"),
                started != null && ended != null ? ended - started : null);
    }
}
