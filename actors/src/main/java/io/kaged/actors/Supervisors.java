package io.kaged.actors;

import io.kaged.actors.process.Cgroups;
import io.kaged.actors.process.ConfinedLauncher;
import io.kaged.actors.process.ProcessConfinement;
import io.kaged.actors.process.PtyLauncher;
import io.kaged.actors.process.Sandbox;
import io.kaged.actors.retention.RetentionService;
import io.kaged.actors.run.RunLauncher;
import io.kaged.actors.run.RunProjection;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.session.SessionProjection;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.persistence.journal.JournalProjection;
import io.kaged.persistence.secret.SecretStore;
import io.kaged.persistence.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The actors module's one entry: the journal projections its actors need ({@link #projections()}, handed to
 * the actor system when it is created), the two supervisors with the process machinery they share
 * ({@link #spawn}), and what the layer above uses of them: the supervisors' refs, waking what was live
 * ({@link #recover}), the retention policy.
 */
public record Supervisors(
        ActorRef<SessionSupervisor.Command> sessions,
        ActorRef<RunSupervisor.Command> runs,
        ActorSettings settings,
        Executor blocking,
        ProcessConfinement confinement) {

    /** How long the coordinated shutdown waits for every session's process to be terminated. */
    private static final Duration TERMINATE_SESSIONS = Duration.ofSeconds(10);

    /** The query tables the journal keeps in step with the session and run events. */
    public static List<JournalProjection> projections() {
        return List.of(new SessionProjection(), new RunProjection(), new io.kaged.actors.run.agent.AgentProjection());
    }

    /**
     * Spawns the session and run supervisors under {@code ctx}. Their processes' launchers and blocking
     * threads close with the actor system; every session's process is terminated in the coordinated
     * shutdown's service-stop phase.
     *
     * @param runEnvironment the variables a run gets from kaged (KAGED_URL, KAGED_TOKEN), by run id
     * @param sandbox how processes are sandboxed here; its probe starts now
     * @param secrets the operator's secrets, read when a process that names one starts
     */
    public static Supervisors spawn(
            ActorContext<?> ctx,
            ActorSettings settings,
            Function<String, Map<String, String>> runEnvironment,
            Clock clock,
            Sandbox.Settings sandbox,
            SecretStore secrets) {
        PtyLauncher launcher = new PtyLauncher(settings.sessions().readBufferBytes());
        ExecutorService blocking = Executors.newCachedThreadPool(daemonThreads("kaged-process-io"));
        ActorSystem<?> system = ctx.getSystem();
        ProcessConfinement confinement = new ProcessConfinement(
                new Sandbox(sandbox, blocking),
                Cgroups.host(system.settings().config().getBoolean("kaged.sandbox.cgroups"), blocking),
                secrets);
        system.getWhenTerminated().thenRun(() -> {
            launcher.close();
            blocking.shutdownNow();
        });
        Supervisors supervisors = new Supervisors(
                ctx.spawn(
                        SessionSupervisor.create(
                                settings.sessions(), new ConfinedLauncher(launcher, confinement), blocking, clock),
                        "sessions"),
                ctx.spawn(
                        RunSupervisor.create(
                                settings.runs(),
                                new RunLauncher(blocking, runEnvironment, confinement),
                                blocking,
                                clock),
                        "runs"),
                settings,
                blocking,
                confinement);
        CoordinatedShutdown.get(system)
                .addTask(
                        CoordinatedShutdown.PhaseServiceStop(),
                        "terminate-sessions",
                        () -> AskPattern.<SessionSupervisor.Command, Done>ask(
                                supervisors.sessions(),
                                SessionSupervisor.TerminateAll::new,
                                TERMINATE_SESSIONS,
                                system.scheduler()));
        return supervisors;
    }

    /**
     * Wakes the sessions and runs that were live when the daemon last stopped or died. A live run whose
     * parent was cancelled or timed out (the daemon stopped before the cascade reached it) is told so right
     * after its wake-up, before its recovery has restarted anything (ADR-0058).
     */
    public CompletionStage<Void> recover(Store store) {
        RunQueries runQueries = new RunQueries(store);
        CompletionStage<List<RunQueries.Orphan>> orphans = runQueries.orphans();
        return new SessionQueries(store)
                .live()
                .thenCombine(runQueries.live(), (liveSessions, liveRuns) -> {
                    sessions.tell(new SessionSupervisor.Recover(liveSessions));
                    return liveRuns;
                })
                .thenCombine(orphans, (liveRuns, ended) -> {
                    runs.tell(new RunSupervisor.Recover(liveRuns));
                    runs.tell(new RunSupervisor.EndOrphans(ended));
                    return null;
                });
    }

    /** The retention policy over these supervisors' sessions and runs; the caller schedules it. */
    public RetentionService retention(Store store, Clock clock, ActorSystem<?> system) {
        return new RetentionService(store, runs, sessions, settings.retention(), clock, system);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
