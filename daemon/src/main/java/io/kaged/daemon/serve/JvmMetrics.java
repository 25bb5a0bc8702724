package io.kaged.daemon.serve;

import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM's memory, threads, GC and process figures in {@code GET /metrics}, beside what the store, the
 * actors and the routes register themselves.
 *
 * <p>The collectors are registered one by one rather than through {@code JvmMetrics}, which remembers
 * every registry it was given in a static set: each daemon started in a test JVM would stay reachable.
 */
final class JvmMetrics {

    private JvmMetrics() {}

    static void register(PrometheusRegistry registry) {
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }
}
