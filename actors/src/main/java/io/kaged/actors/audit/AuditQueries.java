package io.kaged.actors.audit;

import io.kaged.actors.Sql;
import io.kaged.actors.query.ListQuery;
import io.kaged.actors.query.Page;
import io.kaged.persistence.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * Reads of the audit log. There is nothing here that changes it: the log is append-only, written only by
 * {@link io.kaged.persistence.audit.AuditLog}.
 */
public final class AuditQueries {

    private static final String SELECT = "SELECT id, at, actor, kind, subject, outcome, detail FROM audit";

    private final Store store;

    public AuditQueries(Store store) {
        this.store = store;
    }

    public CompletableFuture<Page<AuditView>> list(AuditFilter f) {
        return store.read(c -> new ListQuery(SELECT, "id")
                .where(f.kindIsPrefix() ? " AND kind LIKE ? ESCAPE '!'" : " AND kind = ?", kindArgument(f))
                .where(" AND subject = ?", f.subject())
                .where(" AND at >= ?", f.after())
                .where(" AND at < ?", f.before())
                .page(c, f.paging(), AuditQueries::view, AuditView::id));
    }

    /** A prefix {@code run.*} as the LIKE pattern {@code run.%}, with LIKE's own wildcards escaped. */
    private static String kindArgument(AuditFilter f) {
        if (!f.kindIsPrefix()) {
            return f.kind();
        }
        String prefix = f.kind().substring(0, f.kind().length() - 1);
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static AuditView view(ResultSet rs) throws SQLException {
        return new AuditView(
                rs.getString("id"),
                Sql.iso(rs, "at"),
                rs.getString("actor"),
                rs.getString("kind"),
                rs.getString("subject"),
                rs.getString("outcome"),
                rs.getString("detail"));
    }
}
