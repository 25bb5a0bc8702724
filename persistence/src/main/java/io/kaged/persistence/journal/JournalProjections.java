package io.kaged.persistence.journal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The projections the journal applies, per actor system. The daemon registers them before it spawns any
 * persistent actor; a bare actor system simply has none.
 */
public final class JournalProjections implements Extension {

    public static final Id ID = new Id();

    private final List<JournalProjection> projections = new CopyOnWriteArrayList<>();

    public static JournalProjections get(ActorSystem system) {
        return ID.get(system);
    }

    public void register(JournalProjection projection) {
        projections.add(projection);
    }

    List<JournalProjection> all() {
        return projections;
    }

    public static final class Id extends AbstractExtensionId<JournalProjections> implements ExtensionIdProvider {
        @Override
        public JournalProjections createExtension(ExtendedActorSystem system) {
            return new JournalProjections();
        }

        @Override
        public Id lookup() {
            return ID;
        }
    }
}
