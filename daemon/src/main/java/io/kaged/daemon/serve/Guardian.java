package io.kaged.daemon.serve;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The daemon's root actor. Session and run supervisors are spawned here as they are built; today it owns
 * no children and takes no messages.
 */
public final class Guardian {

    private Guardian() {}

    public static Behavior<Void> create() {
        return Behaviors.empty();
    }
}
