package io.kaged.http.routes;

import io.kaged.http.metrics.HttpMetrics;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP surface: the {@code /v1} API (health open, everything else behind the bearer token) and
 * {@code GET /metrics}; errors as problems; every request counted and timed by {@link HttpMetrics}. A
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
    private final MetricsRoutes metrics;
    private final HttpMetrics httpMetrics;

    public ApiRoutes(
            BearerAuth auth,
            InfoRoutes info,
            SessionRoutes sessions,
            RunRoutes runs,
            ProjectRoutes projects,
            AuditRoutes audit,
            StatsRoutes stats,
            RetentionRoutes retention,
            MetricsRoutes metrics,
            HttpMetrics httpMetrics) {
        this.auth = auth;
        this.info = info;
        this.sessions = sessions;
        this.runs = runs;
        this.projects = projects;
        this.audit = audit;
        this.stats = stats;
        this.retention = retention;
        this.metrics = metrics;
        this.httpMetrics = httpMetrics;
    }

    public Route route() {
        return httpMetrics.instrument(handleExceptions(
                ErrorHandling.exceptions(),
                () -> handleRejections(
                        ErrorHandling.rejections(),
                        () -> concat(
                                pathPrefix(
                                        "v1",
                                        () -> concat(
                                                info.health(),
                                                sessions.route(auth),
                                                auth.scoped(runs::route),
                                                auth.authenticated(projects::route),
                                                auth.authenticated(
                                                        () -> concat(
                                                                info.info(),
                                                                openApi.route(),
                                                                audit.route(),
                                                                stats.route(),
                                                                retention.route())))),
                                metrics.route(auth)))));
    }
}
