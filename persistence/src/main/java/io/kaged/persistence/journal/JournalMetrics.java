package io.kaged.persistence.journal;

import io.kaged.persistence.metrics.MetricsExtension;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * What the group-commit lanes report to Prometheus: how long a write waits from entering its lane to its
 * commit, how many events each transaction commits, and how many writes fail. One instance per actor
 * system (an extension), because Pekko may construct the journal more than once and a registry refuses a
 * name twice.
 *
 * <p>Classic histograms without exemplars: an observation is a few lock-free adds, cheap enough for
 * every write at tens of thousands of events per second.
 */
public final class JournalMetrics implements Extension {

    public static final Id ID = new Id();

    private static final double NANOS_PER_SECOND = 1e9;

    private final Histogram writeLatency;
    private final Histogram batchEvents;
    private final Counter failedWrites;

    public JournalMetrics(PrometheusRegistry registry) {
        this.writeLatency = Histogram.builder()
                .name("kaged_journal_write_latency_seconds")
                .help("Time from a journal write entering its group-commit lane to the commit of its transaction.")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
                .withoutExemplars()
                .register(registry);
        this.batchEvents = Histogram.builder()
                .name("kaged_journal_batch_events")
                .help("Events per committed journal transaction (group commit); transactions without events"
                        + " are not counted.")
                .classicOnly()
                .classicExponentialUpperBounds(1, 2, 11)
                .withoutExemplars()
                .register(registry);
        this.failedWrites = Counter.builder()
                .name("kaged_journal_write_failures_total")
                .help("Journal writes that failed in their own transaction (after a grouped transaction failed).")
                .withoutExemplars()
                .register(registry);
    }

    public static JournalMetrics get(ActorSystem system) {
        return ID.get(system);
    }

    /** Journal transactions that committed events since start: benchmarks divide events by it. */
    public long transactionsWithEvents() {
        return batchEvents.collect().getDataPoints().get(0).getCount();
    }

    void writeCommitted(long waitedNanos) {
        writeLatency.observe(waitedNanos / NANOS_PER_SECOND);
    }

    void batchCommitted(int events) {
        batchEvents.observe(events);
    }

    void writeFailed() {
        failedWrites.inc();
    }

    public static final class Id extends AbstractExtensionId<JournalMetrics> implements ExtensionIdProvider {
        @Override
        public JournalMetrics createExtension(ExtendedActorSystem system) {
            return new JournalMetrics(MetricsExtension.registry(system));
        }

        @Override
        public Id lookup() {
            return ID;
        }
    }
}
