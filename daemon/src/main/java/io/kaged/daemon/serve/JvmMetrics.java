package io.kaged.daemon.serve;

import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Predicate;

/**
 * The JVM's memory, threads, GC and process figures in {@code GET /metrics}, beside what the store, the
 * actors and the routes register themselves.
 *
 * <p>The collectors are registered one by one rather than through {@code JvmMetrics}, which remembers
 * every registry it was given in a static set: each daemon started in a test JVM would stay reachable.
 *
 * <p>They are created at the first scrape, in a registry of their own that this one collects from: each
 * reads the JVM's figures when scraped, so the output is the same, and a daemon nobody scrapes does not
 * load them and the JVM's management classes (~195 classes, ~1.5 MiB;
 * docs/adr/0076-an-idle-daemon-loads-what-it-uses.md).
 */
final class JvmMetrics implements MultiCollector {

    private PrometheusRegistry jvm;

    private JvmMetrics() {}

    static void register(PrometheusRegistry registry) {
        registry.register(new JvmMetrics());
    }

    private synchronized PrometheusRegistry jvm() {
        if (jvm == null) {
            PrometheusRegistry r = new PrometheusRegistry();
            JvmMemoryMetrics.builder().register(r);
            JvmThreadsMetrics.builder().register(r);
            JvmGarbageCollectorMetrics.builder().register(r);
            JvmRuntimeInfoMetric.builder().register(r);
            ProcessMetrics.builder().register(r);
            jvm = r;
        }
        return jvm;
    }

    @Override
    public MetricSnapshots collect() {
        return jvm().scrape();
    }

    @Override
    public MetricSnapshots collect(PrometheusScrapeRequest request) {
        return jvm().scrape(request);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames) {
        return jvm().scrape(includedNames);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        return jvm().scrape(includedNames, request);
    }
}
