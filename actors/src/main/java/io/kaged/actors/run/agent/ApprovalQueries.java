package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.actors.Sql;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.query.ListQuery;
import io.kaged.actors.query.Page;
import io.kaged.actors.query.Paging;
import io.kaged.persistence.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Reads of the {@code approvals} table: plain SQL on the store's read threads. */
public final class ApprovalQueries {

    private static final String COLUMNS = "a.id, a.run_id, a.project, a.tool_call, a.options, a.state, a.outcome,"
            + " a.option_id, a.option_kind, a.decided_by, a.requested_at, a.decided_at";

    /**
     * {@code GET /v1/approvals}: each filter may be null; {@code under} keeps the approvals of that run's
     * descendants only (what a run's token may see).
     */
    public record Filter(String state, String runId, String project, String under, Paging paging) {}

    private final Store store;

    public ApprovalQueries(Store store) {
        this.store = store;
    }

    public CompletableFuture<Page<ApprovalView>> list(Filter f) {
        return store.read(c -> new ListQuery("SELECT " + COLUMNS + " FROM approvals a", "a.id")
                .where(" AND a.state = ?", f.state())
                .where(" AND a.run_id = ?", f.runId())
                .where(" AND a.project = ?", f.project())
                .where(" AND a.run_id IN (" + io.kaged.actors.run.RunQueries.DESCENDANTS_OF + ")", f.under())
                .page(c, f.paging(), ApprovalQueries::view, ApprovalView::id));
    }

    public CompletableFuture<Optional<ApprovalView>> get(String id) {
        return store.read(
                c -> Sql.first(c, "SELECT " + COLUMNS + " FROM approvals a WHERE a.id = ?", ApprovalQueries::view, id));
    }

    private static ApprovalView view(ResultSet rs) throws SQLException {
        Long decided = Sql.nullableLong(rs, "decided_at");
        String outcome = rs.getString("outcome");
        return new ApprovalView(
                rs.getString("id"),
                rs.getString("run_id"),
                rs.getString("project"),
                json(rs.getString("tool_call")),
                json(rs.getString("options")),
                rs.getString("state"),
                "cancelled".equals(outcome) ? "cancelled" : rs.getString("option_id"),
                rs.getString("option_kind"),
                rs.getString("decided_by"),
                Instant.ofEpochMilli(rs.getLong("requested_at")).toString(),
                decided == null ? null : Instant.ofEpochMilli(decided).toString());
    }

    private static JsonNode json(String text) throws SQLException {
        try {
            return AcpJson.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("an approval row holds JSON that does not read", e);
        }
    }
}
