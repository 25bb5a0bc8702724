package io.kaged.actors.session;

import io.kaged.actors.OwnerRows;
import io.kaged.actors.Removed;
import io.kaged.actors.Sql;
import io.kaged.actors.query.ListQuery;
import io.kaged.actors.query.Page;
import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Reads of the session query tables: plain SQL on the store's read threads, never a replay. */
public final class SessionQueries {

    private static final String COLUMNS = "id, name, project, state, command, cwd, env, term_cols, term_rows,"
            + " restart_policy, os_pid, exit_code, restarts, transcript_bytes, created_at, started_at, ended_at";

    private final Store store;

    public SessionQueries(Store store) {
        this.store = store;
    }

    public CompletableFuture<Page<SessionView>> list(SessionFilter f) {
        return store.read(c -> {
            ListQuery q = new ListQuery("SELECT " + COLUMNS + " FROM sessions", "id")
                    .where(" AND state = ?", f.state())
                    .where(" AND project = ?", f.project())
                    .createdBetween("created_at", f.createdAfter(), f.createdBefore());
            return q.page(c, f.paging(), SessionQueries::view, SessionView::id, f.transcriptContains());
        });
    }

    public CompletableFuture<Optional<SessionView>> get(String id) {
        return store.read(c -> find(c, id));
    }

    /** Ids of sessions that had (or were about to have) a process: the ones to recover at start. */
    public CompletableFuture<List<String>> live() {
        return store.read(c ->
                Sql.strings(c, "SELECT id FROM sessions WHERE state IN ('starting', 'running', 'paused') ORDER BY id"));
    }

    /** The recorded output, oldest first, up to batch {@code upTo} (inclusive). */
    public CompletableFuture<byte[]> transcript(String id, long upTo) {
        return store.read(c -> Sql.joinedBytes(
                c, "SELECT data FROM transcripts WHERE owner_id = ? AND chunk_seq <= ? ORDER BY chunk_seq", id, upTo));
    }

    /**
     * Deletes every row of a session — journal, snapshots, transcript, checkpoints, query row — and records
     * the deletion and its counts in the audit log, all in one transaction on the session's write lane. The
     * session's actor must be stopped first ({@link SessionSupervisor.Purge}), or it would write again.
     *
     * @return what was removed; empty if there was no such session
     */
    public CompletableFuture<Optional<Removed>> purge(
            String id, io.kaged.persistence.audit.AuditLog audit, String actor) {
        return store.write(SessionActor.persistenceId(id).id(), c -> {
            if (find(c, id).isEmpty()) {
                return Optional.<Removed>empty();
            }
            Removed removed = OwnerRows.delete(c, OwnerRows.Kind.SESSION, List.of(id));
            audit.append(c, actor, "session.purge", id, "ok", Sql.json(removed.named("sessions")));
            return Optional.of(removed);
        });
    }

    /** A session's checkpoints (its pauses), oldest first. */
    public CompletableFuture<List<io.kaged.actors.run.RunQueries.CheckpointView>> checkpoints(String id) {
        return store.read(c -> io.kaged.actors.run.RunQueries.checkpointsOf(c, id));
    }

    private static Optional<SessionView> find(Connection c, String id) throws SQLException {
        return Sql.first(c, "SELECT " + COLUMNS + " FROM sessions WHERE id = ?", SessionQueries::view, id);
    }

    private static SessionView view(ResultSet rs) throws SQLException {
        return new SessionView(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("project"),
                rs.getString("state"),
                Sql.stringList(rs, "command"),
                rs.getString("cwd"),
                Sql.keys(rs, "env"),
                rs.getInt("term_cols"),
                rs.getInt("term_rows"),
                rs.getString("restart_policy"),
                Sql.nullableLong(rs, "os_pid"),
                Sql.nullableInt(rs, "exit_code"),
                rs.getInt("restarts"),
                rs.getLong("transcript_bytes"),
                Sql.iso(rs, "created_at"),
                Sql.iso(rs, "started_at"),
                Sql.iso(rs, "ended_at"));
    }
}
