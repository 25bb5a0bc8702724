package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.stats.StatsQueries;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /v1/stats[?project=NAME | ?byProject=true]}: counts of the store, counted in SQL when asked. */
public final class StatsRoutes extends AllDirectives {

    private final StatsQueries queries;
    private final Json json;

    public StatsRoutes(StatsQueries queries, ObjectMapper mapper) {
        this.queries = queries;
        this.json = new Json(mapper);
    }

    public Route route() {
        return path(
                "stats",
                () -> get(() -> parameterMap(params -> onSuccess(
                        queries.stats(ListFilters.stats(params)),
                        stats -> complete(json.reply(StatusCodes.OK, stats))))));
    }
}
