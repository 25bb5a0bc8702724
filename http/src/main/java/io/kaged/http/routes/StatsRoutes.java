package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.stats.StatsQueries;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /v1/stats[?project=NAME | ?byProject=true]}: counts of the store, counted in SQL when asked. */
public final class StatsRoutes extends AllDirectives {

    private final StatsQueries queries;
    private final ObjectMapper mapper;

    public StatsRoutes(StatsQueries queries, ObjectMapper mapper) {
        this.queries = queries;
        this.mapper = mapper;
    }

    public Route route() {
        return path(
                "stats",
                () -> get(() -> parameterMap(params -> onSuccess(
                        queries.stats(ListFilters.stats(params)),
                        stats -> completeOK(stats, Jackson.marshaller(mapper))))));
    }
}
