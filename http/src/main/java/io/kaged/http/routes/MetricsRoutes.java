package io.kaged.http.routes;

import io.kaged.actors.stats.StateGauges;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the daemon's registry in the Prometheus text format (version 0.0.4), behind the
 * bearer token unless {@code kaged.http.metrics.open}. The state gauges are counted in SQL first, off the
 * HTTP threads; everything else in the registry is kept up to date as it happens.
 */
public final class MetricsRoutes extends AllDirectives {

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    private static final ContentType CONTENT_TYPE = ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);

    private final PrometheusRegistry registry;
    private final StateGauges states;
    private final boolean open;

    public MetricsRoutes(PrometheusRegistry registry, StateGauges states, boolean open) {
        this.registry = registry;
        this.states = states;
        this.open = open;
    }

    public Route route(BearerAuth auth) {
        return path("metrics", () -> get(() -> open ? scrape() : auth.authenticated(this::scrape)));
    }

    private Route scrape() {
        return onSuccess(
                states.refresh(),
                counts -> complete(HttpResponse.create().withEntity(HttpEntities.create(CONTENT_TYPE, render()))));
    }

    private byte[] render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            WRITER.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to memory", e);
        }
        return out.toByteArray();
    }
}
