package io.kaged.http.routes;

import io.kaged.http.HttpSettings;
import io.kaged.http.metrics.HttpMetrics;
import io.kaged.persistence.store.StoreHealth;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP surface: the {@code /v1} API (health open, everything else behind the bearer token) and
 * {@code GET /metrics}; every body read whole first ({@link RequestBodies}); errors as problems; every
 * request counted and timed by {@link HttpMetrics}. A
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
    private final SecretRoutes secrets;
    private final MetricsRoutes metrics;
    private final ApprovalRoutes approvals;
    private final HttpMetrics httpMetrics;
    private final RequestBodies bodies;
    private final RequestTarget target = new RequestTarget();
    private final StoreHealth store;

    public ApiRoutes(
            HttpSettings settings,
            BearerAuth auth,
            InfoRoutes info,
            SessionRoutes sessions,
            RunRoutes runs,
            ProjectRoutes projects,
            AuditRoutes audit,
            StatsRoutes stats,
            RetentionRoutes retention,
            SecretRoutes secrets,
            MetricsRoutes metrics,
            HttpMetrics httpMetrics,
            StoreHealth store,
            ApprovalRoutes approvals) {
        this.approvals = approvals;
        this.auth = auth;
        this.info = info;
        this.sessions = sessions;
        this.runs = runs;
        this.projects = projects;
        this.audit = audit;
        this.stats = stats;
        this.retention = retention;
        this.secrets = secrets;
        this.metrics = metrics;
        this.httpMetrics = httpMetrics;
        this.bodies = new RequestBodies(settings);
        this.store = store;
    }

    public Route route() {
        return hardened(() -> concat(
                pathPrefix(
                        "v1",
                        () -> concat(
                                info.health(),
                                sessions.route(auth),
                                auth.scoped(runs::route),
                                // before the routes of the daemon's token only, which answer a run's token 403
                                auth.scoped(approvals::route),
                                auth.authenticated(projects::route),
                                auth.authenticated(() -> concat(
                                        info.info(),
                                        openApi.route(),
                                        audit.route(),
                                        stats.route(),
                                        retention.route(),
                                        secrets.route())))),
                metrics.route(auth)));
    }

    /**
     * The layers every route of the API is under: counted, timed out as a problem, errors and rejections as
     * problems, the request target checked, the body read whole within its bound. Routes served beside the
     * API (the console's login) go under them too, inside their own path prefix, so a rejection there does
     * not hide the routes after them.
     */
    public Route hardened(java.util.function.Supplier<Route> inner) {
        return httpMetrics.instrument(withRequestTimeoutResponse(
                ApiRoutes::timedOut,
                () -> handleExceptions(
                        ErrorHandling.exceptions(store),
                        () -> handleRejections(
                                ErrorHandling.rejections(), () -> target.utf8(() -> bodies.strict(inner))))));
    }

    /** Pekko's request time-out ({@code pekko.http.server.request-timeout}), as the API's one 503. */
    private static HttpResponse timedOut(HttpRequest request) {
        return Problem.unavailable(
                "the daemon did not answer " + request.method().value() + " "
                        + request.getUri().path() + " in time; it may be overloaded. Send the request again after "
                        + Problem.RETRY_AFTER_SECONDS + " s (Retry-After)");
    }
}
