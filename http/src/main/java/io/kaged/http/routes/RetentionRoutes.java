package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.retention.RetentionService;
import io.kaged.persistence.store.StoreHealth;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/prune?dryRun=true|false[&limit=N]}: the retention policy on demand. A dry run reports what
 * the policy removes now and changes nothing; a real one removes it, at most {@code limit} runs, sessions
 * and trimmed runs per request (so a request stays well inside the server's time-out), and says whether
 * it got to the end. There is no default for {@code dryRun}: deleting must be asked for. A real one is
 * refused while the store does not take writes, like every write ({@link StoreWrites}).
 */
public final class RetentionRoutes extends AllDirectives {

    static final int DEFAULT_LIMIT = 5000;
    static final int MAX_LIMIT = 1_000_000;

    private final RetentionService retention;
    private final Json json;
    private final StoreWrites writes;

    public RetentionRoutes(RetentionService retention, StoreHealth health, ObjectMapper mapper) {
        this.retention = retention;
        this.json = new Json(mapper);
        this.writes = new StoreWrites(health);
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
                    if (dryRun.equals("true")) {
                        return onSuccess(retention.plan(), r -> complete(json.reply(StatusCodes.OK, r)));
                    }
                    return completeWithFuture(writes.write(
                            () -> retention.apply("api", limit).thenApply(r -> json.reply(StatusCodes.OK, r)),
                            "each batch removed before the fault stays removed (its audit rows say which),"
                                    + " the rest is left"));
                })));
    }
}
