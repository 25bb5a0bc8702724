package io.kaged.daemon.serve;

import io.kaged.actors.process.ProcessLauncher;
import io.kaged.actors.run.RunLauncher;
import io.kaged.actors.run.RunSettings;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.session.SessionSettings;
import io.kaged.actors.session.SessionSupervisor;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The daemon's root actor: spawns the supervisors (sessions, runs) and hands their refs to the daemon,
 * which builds the HTTP routes on them.
 */
public final class Guardian {

    /** The supervisors the routes talk to. */
    public record Supervisors(ActorRef<SessionSupervisor.Command> sessions, ActorRef<RunSupervisor.Command> runs) {}

    private Guardian() {}

    public static Behavior<Void> create(
            SessionSettings sessions,
            ProcessLauncher launcher,
            RunSettings runs,
            RunLauncher runLauncher,
            Executor blocking,
            Clock clock,
            CompletableFuture<Supervisors> started) {
        return Behaviors.setup(ctx -> {
            started.complete(new Supervisors(
                    ctx.spawn(SessionSupervisor.create(sessions, launcher, blocking, clock), "sessions"),
                    ctx.spawn(RunSupervisor.create(runs, runLauncher, blocking, clock), "runs")));
            return Behaviors.empty();
        });
    }
}
