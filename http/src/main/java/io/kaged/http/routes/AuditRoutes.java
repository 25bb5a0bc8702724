package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.audit.AuditQueries;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/audit}: the audit log, newest first. Read-only by construction: the path answers GET and
 * nothing else (405), and there is no route below it (404), so no request can edit or delete the log.
 */
public final class AuditRoutes extends AllDirectives {

    private final AuditQueries queries;
    private final Json json;

    public AuditRoutes(AuditQueries queries, ObjectMapper mapper) {
        this.queries = queries;
        this.json = new Json(mapper);
    }

    public Route route() {
        return path(
                "audit",
                () -> get(() -> parameterMap(params -> onSuccess(
                        queries.list(ListFilters.audit(params)), page -> complete(json.reply(StatusCodes.OK, page))))));
    }
}
