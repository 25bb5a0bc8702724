package io.kaged.http.routes;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole {@code /v1} API: health open, everything else behind the bearer token, errors as problems. A
 * route added here belongs in {@code openapi.json} too; {@code OpenApiTest} fails until it is.
 */
public final class ApiRoutes extends AllDirectives {

    private final BearerAuth auth;
    private final InfoRoutes info;
    private final SessionRoutes sessions;
    private final RunRoutes runs;
    private final ProjectRoutes projects;
    private final AuditRoutes audit;
    private final StatsRoutes stats;
    private final OpenApiRoutes openApi = new OpenApiRoutes();
    private final RetentionRoutes retention;

    public ApiRoutes(
            BearerAuth auth,
            InfoRoutes info,
            SessionRoutes sessions,
            RunRoutes runs,
            ProjectRoutes projects,
            AuditRoutes audit,
            StatsRoutes stats,
            RetentionRoutes retention) {
        this.auth = auth;
        this.info = info;
        this.sessions = sessions;
        this.runs = runs;
        this.projects = projects;
        this.audit = audit;
        this.stats = stats;
        this.retention = retention;
    }

    public Route route() {
        return handleExceptions(
                ErrorHandling.exceptions(),
                () -> handleRejections(
                        ErrorHandling.rejections(),
                        () -> pathPrefix(
                                "v1",
                                () -> concat(
                                        info.health(),
                                        sessions.route(auth),
                                        auth.scoped(runs::route),
                                        auth.authenticated(projects::route),
                                        auth.authenticated(() -> concat(
                                                info.info(),
                                                openApi.route(),
                                                audit.route(),
                                                stats.route(),
                                                retention.route()))))));
    }
}
