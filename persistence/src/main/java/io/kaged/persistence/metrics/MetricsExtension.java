package io.kaged.persistence.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The Prometheus registry of an actor system, so of one daemon: the journal, which Pekko constructs and
 * which therefore cannot be handed a registry, registers its metrics here, and the daemon passes the same
 * registry to the HTTP layer that serves {@code GET /metrics}. Not the library's global default registry:
 * several daemons (or test actor systems) in one JVM each count their own.
 */
public final class MetricsExtension implements Extension {

    public static final Id ID = new Id();

    private final PrometheusRegistry registry = new PrometheusRegistry();

    private MetricsExtension() {}

    public static PrometheusRegistry registry(ActorSystem system) {
        return ID.get(system).registry;
    }

    public static final class Id extends AbstractExtensionId<MetricsExtension> implements ExtensionIdProvider {
        @Override
        public MetricsExtension createExtension(ExtendedActorSystem system) {
            return new MetricsExtension();
        }

        @Override
        public Id lookup() {
            return ID;
        }
    }
}
