package io.kaged.actors.session;

import io.kaged.actors.OwnerProjection;
import io.kaged.actors.Sql;
import io.kaged.actors.process.LimitHit;
import io.kaged.persistence.store.Ids;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps {@code sessions}, {@code transcripts} and {@code checkpoints} in step with session events, inside
 * the journal transaction that stores them.
 */
public final class SessionProjection extends OwnerProjection<SessionActor.Event> {

    public SessionProjection() {
        super("session", "sessions", SessionActor.Event.class);
    }

    @Override
    protected void project(Connection c, String id, long sequenceNr, SessionActor.Event e) throws SQLException {
        if (e instanceof SessionActor.Created created) {
            insert(c, id, created);
        } else if (e instanceof SessionActor.ProcessStarted started) {
            Sql.update(
                    c,
                    "UPDATE sessions SET state = 'running', os_pid = ?, restarts = CASE WHEN started_at IS NULL"
                            + " THEN restarts ELSE restarts + 1 END, started_at = ?, ended_at = NULL, updated_at = ?"
                            + " WHERE id = ?",
                    started.osPid(),
                    started.at(),
                    started.at(),
                    id);
        } else if (e instanceof SessionActor.StartFailed failed) {
            Sql.update(
                    c,
                    "UPDATE sessions SET state = ?, updated_at = ? WHERE id = ?",
                    failed.willRestart() ? "starting" : "exited",
                    failed.at(),
                    id);
        } else if (e instanceof SessionActor.SandboxApplied a) {
            audit(c, "sandbox.applied", id, "ok", a.profile(), a.at());
        } else if (e instanceof SessionActor.SandboxRefused r) {
            audit(c, "sandbox.refused", id, "refused", r.reason(), r.at());
        } else if (e instanceof SessionActor.SandboxSkipped k) {
            audit(c, "sandbox.skipped", id, "ok", "unsandboxed: " + k.reason(), k.at());
        } else if (e instanceof SessionActor.LimitsApplied l) {
            audit(c, "sandbox.limits-applied", id, "ok", l.limits(), l.at());
        } else if (e instanceof SessionActor.LimitsSkipped l) {
            audit(c, "sandbox.limits-skipped", id, "ok", "without " + l.limits() + ": " + l.reason(), l.at());
        } else if (e instanceof SessionActor.LimitReached l) {
            audit(c, "sandbox.limit-reached", id, "refused", new LimitHit(l.limit(), l.count()).describe(), l.at());
        } else if (e instanceof SessionActor.Paused paused) {
            paused(c, id, sequenceNr, paused.checkpointId() != null ? paused.checkpointId() : Ids.newId(), paused.at());
        } else if (e instanceof SessionActor.Resumed resumed) {
            state(c, id, "running", resumed.at());
        } else if (e instanceof SessionActor.Resized resized) {
            Sql.update(
                    c,
                    "UPDATE sessions SET term_cols = ?, term_rows = ?, updated_at = ? WHERE id = ?",
                    resized.cols(),
                    resized.rows(),
                    resized.at(),
                    id);
        } else if (e instanceof SessionActor.OutputRecorded out) {
            transcript(c, id, out);
        } else if (e instanceof SessionActor.ProcessExited exited) {
            Sql.update(
                    c,
                    "UPDATE sessions SET exit_code = ?, os_pid = NULL, state = CASE WHEN state = 'closed' THEN"
                            + " 'closed' ELSE ? END, ended_at = CASE WHEN ? THEN ended_at ELSE ? END, updated_at = ?"
                            + " WHERE id = ?",
                    exited.exitCode(),
                    exited.willRestart() ? "starting" : "exited",
                    exited.willRestart(),
                    exited.at(),
                    exited.at(),
                    id);
        } else if (e instanceof SessionActor.Interrupted interrupted) {
            Sql.update(
                    c,
                    "UPDATE sessions SET state = ?, os_pid = NULL, updated_at = ? WHERE id = ?",
                    interrupted.willRestart() ? "starting" : "interrupted",
                    interrupted.at(),
                    id);
        } else if (e instanceof SessionActor.Restarted restarted) {
            Sql.update(
                    c,
                    // counted here, as the actor counts it; started_at cleared so the start does not count it again
                    "UPDATE sessions SET state = 'starting', restarts = restarts + 1, started_at = NULL,"
                            + " exit_code = NULL, ended_at = NULL, updated_at = ? WHERE id = ?",
                    restarted.at(),
                    id);
        } else if (e instanceof SessionActor.Closed closed) {
            Sql.update(
                    c,
                    "UPDATE sessions SET state = 'closed', ended_at = ?, updated_at = ? WHERE id = ?",
                    closed.at(),
                    closed.at(),
                    id);
        }
    }

    private static void insert(Connection c, String id, SessionActor.Created e) throws SQLException {
        SessionSpec s = e.spec();
        Sql.update(
                c,
                "INSERT INTO sessions (id, name, project, state, command, cwd, env, term_cols, term_rows,"
                        + " restart_policy, created_at, updated_at) VALUES (?, ?, ?, 'starting', ?, ?, ?, ?, ?, ?, ?, ?)",
                id,
                s.name(),
                s.project(),
                Sql.json(s.command()),
                s.cwd(),
                Sql.env(s.env(), s.secretEnv()),
                s.cols(),
                s.rows(),
                s.restart().label(),
                e.at(),
                e.at());
    }

    private void transcript(Connection c, String id, SessionActor.OutputRecorded e) throws SQLException {
        transcript(c, id, e.chunkSeq(), "pty", e.at(), e.data());
        Sql.update(c, "DELETE FROM transcripts WHERE owner_id = ? AND chunk_seq < ?", id, e.keepFrom());
        Sql.update(c, "UPDATE sessions SET transcript_bytes = ? WHERE id = ?", e.keptBytes(), id);
    }
}
