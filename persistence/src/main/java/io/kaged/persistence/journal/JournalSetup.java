package io.kaged.persistence.journal;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.setup.Setup;

/**
 * The projections the journal applies, handed to an actor system when it is created: the journal reads
 * them once, when Pekko constructs it, so no event can be written before its projection is in place. A
 * bare actor system (no setup) has none.
 */
public final class JournalSetup extends Setup {

    private final List<JournalProjection> projections;

    public JournalSetup(List<JournalProjection> projections) {
        this.projections = List.copyOf(projections);
    }

    public List<JournalProjection> projections() {
        return projections;
    }

    /** The projections of {@code system}: those of its setup, else none. */
    static List<JournalProjection> of(ActorSystem system) {
        Optional<JournalSetup> setup = system.settings().setup().get(JournalSetup.class);
        return setup.map(JournalSetup::projections).orElse(List.of());
    }
}
