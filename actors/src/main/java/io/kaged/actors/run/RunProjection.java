package io.kaged.actors.run;

import io.kaged.actors.Sql;
import io.kaged.persistence.journal.JournalProjection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** Keeps {@code runs} and the runs' {@code transcripts} in step with run events, in the journal's transaction. */
public final class RunProjection implements JournalProjection {

    private static final String PREFIX = "run|";

    @Override
    public boolean projects(String persistenceId, Object event) {
        return persistenceId.startsWith(PREFIX) && event instanceof RunActor.Event;
    }

    @Override
    public void project(Connection c, String persistenceId, long sequenceNr, long timestamp, Object event)
            throws SQLException {
        if (!projects(persistenceId, event) || !(event instanceof RunActor.Event e)) {
            return;
        }
        String id = persistenceId.substring(PREFIX.length());
        if (e instanceof RunActor.Dispatched d) {
            RunSpec s = d.spec();
            Sql.update(
                    c,
                    "INSERT INTO runs (id, parent_id, session_id, project, state, command, command_name, cwd, env,"
                            + " input, timeout_ms, retries, attempts, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    id,
                    s.parentId(),
                    s.sessionId(),
                    s.project(),
                    Sql.json(s.command()),
                    Path.of(s.command().get(0)).getFileName().toString(),
                    s.cwd(),
                    Sql.json(s.env()),
                    s.input(),
                    s.timeoutMs(),
                    s.retries(),
                    d.at(),
                    d.at());
        } else if (e instanceof RunActor.AttemptStarted a) {
            Sql.update(
                    c,
                    "UPDATE runs SET state = 'running', attempts = ?, started_at = COALESCE(started_at, ?),"
                            + " exit_code = NULL, updated_at = ? WHERE id = ?",
                    a.attempt(),
                    a.at(),
                    a.at(),
                    id);
        } else if (e instanceof RunActor.AttemptFailedToStart f) {
            Sql.update(
                    c,
                    "UPDATE runs SET state = ?, attempts = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                    f.willRetry() ? "queued" : "failed",
                    f.attempt(),
                    f.willRetry() ? null : f.at(),
                    f.at(),
                    id);
        } else if (e instanceof RunActor.OutputRecorded o) {
            if (o.data() == null) {
                throw new SQLException("output batch " + o.chunkSeq() + " of run " + id + " carries no bytes");
            }
            Sql.update(
                    c,
                    "INSERT INTO transcripts (owner_id, chunk_seq, stream, at, data) VALUES (?, ?, ?, ?, ?)",
                    id,
                    o.chunkSeq(),
                    o.stream(),
                    o.at(),
                    o.data());
        } else if (e instanceof RunActor.AttemptEnded end) {
            String outcome = end.willRetry()
                    ? "queued"
                    : end.timedOut() ? "timed-out" : end.exitCode() == 0 ? "succeeded" : "failed";
            Sql.update(
                    c,
                    "UPDATE runs SET exit_code = ?, state = CASE WHEN state = 'cancelled' THEN 'cancelled' ELSE ? END,"
                            + " ended_at = CASE WHEN state = 'cancelled' THEN ended_at WHEN ? THEN NULL ELSE ? END,"
                            + " updated_at = ? WHERE id = ?",
                    end.exitCode(),
                    outcome,
                    end.willRetry(),
                    end.at(),
                    end.at(),
                    id);
        } else if (e instanceof RunActor.Paused paused) {
            Sql.update(c, "UPDATE runs SET state = 'paused', updated_at = ? WHERE id = ?", paused.at(), id);
            Sql.update(
                    c,
                    "INSERT INTO checkpoints (id, owner_kind, owner_id, sequence_nr, label, reason, created_at)"
                            + " VALUES (?, 'run', ?, ?, NULL, 'pause', ?)",
                    paused.checkpointId(),
                    id,
                    sequenceNr,
                    paused.at());
        } else if (e instanceof RunActor.Resumed resumed) {
            Sql.update(c, "UPDATE runs SET state = 'running', updated_at = ? WHERE id = ?", resumed.at(), id);
        } else if (e instanceof RunActor.CheckpointTaken cp) {
            Sql.update(
                    c,
                    "INSERT INTO checkpoints (id, owner_kind, owner_id, sequence_nr, label, reason, created_at)"
                            + " VALUES (?, 'run', ?, ?, ?, 'manual', ?)",
                    cp.checkpointId(),
                    id,
                    sequenceNr,
                    cp.label(),
                    cp.at());
        } else if (e instanceof RunActor.Cancelled x) {
            Sql.update(
                    c,
                    "UPDATE runs SET state = 'cancelled', ended_at = ?, updated_at = ? WHERE id = ?",
                    x.at(),
                    x.at(),
                    id);
        } else if (e instanceof RunActor.RolledBack r) {
            Sql.update(
                    c,
                    "UPDATE transcripts SET superseded_by = ? WHERE owner_id = ? AND chunk_seq >= ?"
                            + " AND superseded_by IS NULL",
                    r.checkpointId(),
                    id,
                    r.outputFrom());
            Sql.update(
                    c,
                    "UPDATE runs SET state = 'queued', exit_code = NULL, ended_at = NULL, updated_at = ? WHERE id = ?",
                    r.at(),
                    id);
        } else if (e instanceof RunActor.Interrupted i) {
            Sql.update(
                    c,
                    "UPDATE runs SET state = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                    i.willRetry() ? "queued" : "interrupted",
                    i.willRetry() ? null : i.at(),
                    i.at(),
                    id);
        }
    }
}
