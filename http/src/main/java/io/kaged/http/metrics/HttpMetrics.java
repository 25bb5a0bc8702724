package io.kaged.http.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Counts every HTTP request by method, route template and status, and times it, from the moment the route
 * sees the request to the moment it has the response. For a stream (run events, WebSocket attach) that is
 * the time to the response head, not the stream's life. Wrap the whole route, outside its exception and
 * rejection handlers, so errors and unknown paths are counted with the status the client got.
 */
public final class HttpMetrics extends AllDirectives {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final double NANOS_PER_SECOND = 1e9;

    private final RouteTemplates templates;
    private final Counter requests;
    private final Histogram duration;

    public HttpMetrics(PrometheusRegistry registry, RouteTemplates templates) {
        this.templates = templates;
        this.requests = Counter.builder()
                .name("kaged_http_requests_total")
                .help("HTTP requests answered, by method, route template and status code.")
                .labelNames("method", "route", "status")
                .withoutExemplars()
                .register(registry);
        this.duration = Histogram.builder()
                .name("kaged_http_request_duration_seconds")
                .help("Time to answer an HTTP request (to the response head for streams), by method and route"
                        + " template.")
                .labelNames("method", "route")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .withoutExemplars()
                .register(registry);
    }

    public Route instrument(Route inner) {
        return extractRequest(request -> {
            long start = System.nanoTime();
            String method = METHODS.contains(request.method().value())
                    ? request.method().value()
                    : "other";
            String route = templates.of(request.getUri().path());
            return mapResponse(response -> record(method, route, response, start), () -> inner);
        });
    }

    private HttpResponse record(String method, String route, HttpResponse response, long start) {
        requests.labelValues(method, route, Integer.toString(response.status().intValue()))
                .inc();
        duration.labelValues(method, route).observe((System.nanoTime() - start) / NANOS_PER_SECOND);
        return response;
    }
}
