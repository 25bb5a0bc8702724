package io.kaged.daemon.serve;

import io.kaged.actors.ActorSettings;
import io.kaged.actors.Supervisors;
import io.kaged.actors.process.Sandbox;
import io.kaged.persistence.secret.SecretStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The daemon's root actor: spawns the supervisors (sessions, runs) and hands them to the daemon, which
 * builds the HTTP routes on them.
 */
final class Guardian {

    private Guardian() {}

    static Behavior<Void> create(
            ActorSettings settings,
            Function<String, Map<String, String>> runEnvironment,
            Clock clock,
            Sandbox.Settings sandbox,
            SecretStore secrets,
            CompletableFuture<Supervisors> started) {
        return Behaviors.setup(ctx -> {
            started.complete(Supervisors.spawn(ctx, settings, runEnvironment, clock, sandbox, secrets));
            return Behaviors.empty();
        });
    }
}
