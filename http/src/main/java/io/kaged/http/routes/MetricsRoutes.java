package io.kaged.http.routes;

import io.kaged.actors.stats.StateGauges;
import io.kaged.persistence.store.StoreHealth;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    private static final Duration FAULTED_REFRESH_WAIT = Duration.ofMillis(250);

    private final PrometheusRegistry registry;
    private final StateGauges states;
    private final boolean open;
    private final StoreHealth store;

    public MetricsRoutes(PrometheusRegistry registry, StateGauges states, boolean open, StoreHealth store) {
        this.registry = registry;
        this.states = states;
        this.open = open;
        this.store = store;
    }

    public Route route(BearerAuth auth) {
        return path("metrics", () -> get(() -> open ? scrape() : auth.authenticated(this::scrape)));
    }

    /**
     * While the store does not take writes it may not answer reads either (a PostgreSQL server gone): the
     * scrape then waits for the state counts a moment at most and, without them, leaves the state gauges
     * out (no stale counts), so that it still answers, with {@code kaged_store_degraded} saying why.
     */
    private Route scrape() {
        CompletableFuture<Boolean> refreshed = states.refresh().thenApply(counts -> true);
        if (store.fault().isPresent()) {
            refreshed = refreshed
                    .exceptionally(failure -> false)
                    .completeOnTimeout(false, FAULTED_REFRESH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return onSuccess(refreshed, fresh -> {
            if (!fresh) {
                states.forget();
            }
            return complete(HttpResponse.create().withEntity(HttpEntities.create(CONTENT_TYPE, render())));
        });
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
