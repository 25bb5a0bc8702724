package io.kaged.daemon.serve;

import io.kaged.actors.stats.StateGauges;
import io.kaged.http.metrics.HttpMetrics;
import io.kaged.http.metrics.RouteTemplates;
import io.kaged.persistence.journal.JournalMetrics;
import io.kaged.persistence.metrics.MetricsExtension;
import io.kaged.persistence.store.Store;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Everything {@code GET /metrics} reports, registered once per daemon in its actor system's registry
 * ({@link MetricsExtension}): the journal's group-commit histograms, session and run states, HTTP
 * requests, and the JVM's memory, threads, GC and process figures.
 *
 * <p>The JVM collectors are registered one by one rather than through {@code JvmMetrics}, which remembers
 * every registry it was given in a static set: each daemon started in a test JVM would stay reachable.
 */
record DaemonMetrics(PrometheusRegistry registry, StateGauges states, HttpMetrics http) {

    static DaemonMetrics register(ActorSystem<?> system, Store store) {
        PrometheusRegistry registry = MetricsExtension.registry(system.classicSystem());
        // Created now, not at the first write, so the journal's series are there from the first scrape.
        JournalMetrics.get(system.classicSystem());
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        return new DaemonMetrics(
                registry, new StateGauges(store, registry), new HttpMetrics(registry, RouteTemplates.api()));
    }
}
