package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.retention.RetentionReport;
import io.kaged.actors.retention.RetentionService;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/prune?dryRun=true|false[&limit=N]}: the retention policy on demand. A dry run reports what
 * the policy removes now and changes nothing; a real one removes it, at most {@code limit} runs, sessions
 * and trimmed runs per request (so a request stays well inside the server's time-out), and says whether
 * it got to the end. There is no default for {@code dryRun}: deleting must be asked for.
 */
public final class RetentionRoutes extends AllDirectives {

    static final int DEFAULT_LIMIT = 5000;
    static final int MAX_LIMIT = 1_000_000;

    private final RetentionService retention;
    private final Json json;

    public RetentionRoutes(RetentionService retention, ObjectMapper mapper) {
        this.retention = retention;
        this.json = new Json(mapper);
    }

    public Route route() {
        return path(
                "prune",
                () -> post(() -> parameterMap(params -> {
                    QueryParams.requireKnown(params, Set.of("dryRun", "limit"));
                    String dryRun = QueryParams.oneOf(params, "dryRun", Set.of("true", "false"));
                    if (dryRun == null) {
                        throw new JsonBodies.BadRequest("Parameter 'dryRun' is required: true to see what the retention"
                                + " policy would remove, false to remove it.");
                    }
                    int limit = QueryParams.intParam(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
                    CompletableFuture<RetentionReport> report =
                            dryRun.equals("true") ? retention.plan() : retention.apply("api", limit);
                    return onSuccess(report, r -> complete(json.reply(StatusCodes.OK, r)));
                })));
    }
}
