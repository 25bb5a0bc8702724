package io.kaged.actors.run;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Parent of every run actor: spawns a run on first use or at recovery, restarts a failed one with backoff. */
public final class RunSupervisor {

    public sealed interface Command {}

    public record Deliver(String runId, RunActor.Command command) implements Command {}

    public record Recover(List<String> runIds) implements Command {}

    private RunSupervisor() {}

    public static Behavior<Command> create(RunSettings settings, RunLauncher launcher, Executor blocking, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
                .onMessage(Deliver.class, d -> {
                    child(ctx, d.runId(), settings, launcher, blocking, clock).tell(d.command());
                    return Behaviors.same();
                })
                .onMessage(Recover.class, r -> {
                    r.runIds().forEach(id -> child(ctx, id, settings, launcher, blocking, clock));
                    if (!r.runIds().isEmpty()) {
                        ctx.getLog()
                                .info(
                                        "Recovering {} run(s) that were live when the daemon stopped",
                                        r.runIds().size());
                    }
                    return Behaviors.same();
                })
                .build());
    }

    @SuppressWarnings("unchecked")
    private static ActorRef<RunActor.Command> child(
            ActorContext<Command> ctx,
            String id,
            RunSettings settings,
            RunLauncher launcher,
            Executor blocking,
            Clock clock) {
        String name = "run-" + id;
        return ctx.getChild(name)
                .<ActorRef<RunActor.Command>>map(ref -> (ActorRef<RunActor.Command>) (ActorRef<?>) ref)
                .orElseGet(() -> ctx.spawn(
                        Behaviors.supervise(RunActor.create(id, settings, launcher, blocking, clock))
                                .onFailure(SupervisorStrategy.restartWithBackoff(
                                        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                        name));
    }
}
