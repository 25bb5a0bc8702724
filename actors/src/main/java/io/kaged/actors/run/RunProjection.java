package io.kaged.actors.run;

import io.kaged.actors.OwnerProjection;
import io.kaged.actors.Sql;
import io.kaged.actors.process.LimitHit;
import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Ids;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps {@code runs} and the runs' {@code transcripts} in step with run events, in the journal's transaction. */
public final class RunProjection extends OwnerProjection<RunActor.Event> {

    public RunProjection() {
        super("run", "runs", RunActor.Event.class);
    }

    @Override
    protected void project(Connection c, String id, long sequenceNr, RunActor.Event e) throws SQLException {
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
                    Sql.env(s.env(), s.secretEnv()),
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
        } else if (e instanceof RunActor.SandboxApplied a) {
            audit(c, "sandbox.applied", id, "ok", "attempt " + a.attempt() + ": " + a.profile(), a.at());
        } else if (e instanceof RunActor.SandboxRefused r) {
            audit(c, "sandbox.refused", id, "refused", "attempt " + r.attempt() + ": " + r.reason(), r.at());
        } else if (e instanceof RunActor.SandboxSkipped k) {
            audit(c, "sandbox.skipped", id, "ok", "attempt " + k.attempt() + " unsandboxed: " + k.reason(), k.at());
        } else if (e instanceof RunActor.LimitsApplied l) {
            audit(c, "sandbox.limits-applied", id, "ok", "attempt " + l.attempt() + ": " + l.limits(), l.at());
        } else if (e instanceof RunActor.LimitsSkipped l) {
            audit(
                    c,
                    "sandbox.limits-skipped",
                    id,
                    "ok",
                    "attempt " + l.attempt() + " without " + l.limits() + ": " + l.reason(),
                    l.at());
        } else if (e instanceof RunActor.LimitReached l) {
            audit(
                    c,
                    "sandbox.limit-reached",
                    id,
                    "refused",
                    "attempt " + l.attempt() + ": " + new LimitHit(l.limit(), l.count()).describe(),
                    l.at());
        } else if (e instanceof RunActor.OutputRecorded o) {
            transcript(c, id, o.chunkSeq(), o.stream(), o.at(), o.data());
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
            paused(c, id, sequenceNr, paused.checkpointId(), paused.at());
        } else if (e instanceof RunActor.Resumed resumed) {
            state(c, id, "running", resumed.at());
        } else if (e instanceof RunActor.CheckpointTaken cp) {
            checkpoint(
                    c,
                    cp.checkpointId(),
                    id,
                    sequenceNr,
                    cp.label(),
                    cp.reason() == null ? "manual" : cp.reason(),
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
        } else if (e instanceof RunActor.WorkspaceRestored w) {
            workspaceRestored(c, id, w);
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

    /** A rollback's restore of the files is an audit row too, in the event's transaction. */
    private static void workspaceRestored(Connection c, String id, RunActor.WorkspaceRestored w) throws SQLException {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("checkpointId", w.checkpointId());
        if (w.error() != null) {
            detail.put("error", w.error());
        } else {
            detail.put("removed", w.added());
            detail.put("rewritten", w.modified());
            detail.put("writtenBack", w.deleted());
            detail.put("removedPaths", w.addedPaths());
            detail.put("rewrittenPaths", w.modifiedPaths());
            detail.put("writtenBackPaths", w.deletedPaths());
        }
        AuditLog.insert(
                c,
                List.of(new AuditEntry(
                        Ids.newId(),
                        Instant.ofEpochMilli(w.at()),
                        "daemon",
                        "run.workspace.restore",
                        id,
                        w.error() == null ? "ok" : "failed",
                        Sql.json(detail))));
    }
}
