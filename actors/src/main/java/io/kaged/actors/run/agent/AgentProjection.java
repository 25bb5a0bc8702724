package io.kaged.actors.run.agent;

import io.kaged.actors.OwnerProjection;
import io.kaged.actors.Sql;
import io.kaged.actors.run.RunActor;
import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Ids;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Keeps {@code approvals} in step with the approval events of ACP runs, and writes the audit rows of their
 * decisions ({@code approval.decided}) and of refused file access ({@code sandbox.refused}), in the journal's
 * transaction: an approval is decided in the audit log exactly when it is in the run's history.
 */
public final class AgentProjection extends OwnerProjection<RunActor.AgentEvent> {

    public AgentProjection() {
        super("run", "runs", RunActor.AgentEvent.class);
    }

    @Override
    protected void project(Connection c, String runId, long sequenceNr, RunActor.AgentEvent e) throws SQLException {
        if (e instanceof RunActor.ApprovalRequested r) {
            Sql.update(
                    c,
                    "INSERT INTO approvals (id, run_id, project, tool_call, options, state, requested_at)"
                            + " VALUES (?, ?, (SELECT project FROM runs WHERE id = ?), ?, ?, 'pending', ?)",
                    r.approvalId(),
                    runId,
                    runId,
                    r.toolCall().toString(),
                    Sql.json(r.options()),
                    r.at());
        } else if (e instanceof RunActor.ApprovalDecided d) {
            Sql.update(
                    c,
                    "UPDATE approvals SET state = 'decided', outcome = ?, option_id = ?, option_kind = ?,"
                            + " decided_by = ?, decided_at = ? WHERE id = ?",
                    d.outcome(),
                    d.optionId(),
                    d.optionKind(),
                    d.by(),
                    d.at(),
                    d.approvalId());
            String outcome = d.optionKind() != null ? d.optionKind() : d.outcome();
            String detail = "run " + runId + ": "
                    + (d.optionId() != null ? "option " + d.optionId() : d.outcome())
                    + (d.unheard() ? " (the agent that asked had gone; given to its next request)" : "");
            audit(c, d.by(), "approval.decided", d.approvalId(), outcome, detail, d.at());
        } else if (e instanceof RunActor.FileRefused f && f.sandbox()) {
            audit(
                    c,
                    "run:" + runId,
                    "sandbox.refused",
                    runId,
                    f.refusal(),
                    f.method() + " " + f.path() + ": " + f.message(),
                    f.at());
        }
    }

    private static void audit(
            Connection c, String actor, String kind, String subject, String outcome, String detail, long at)
            throws SQLException {
        AuditLog.insert(
                c,
                List.of(new AuditEntry(Ids.newId(), Instant.ofEpochMilli(at), actor, kind, subject, outcome, detail)));
    }
}
