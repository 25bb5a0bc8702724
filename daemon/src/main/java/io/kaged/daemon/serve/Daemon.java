package io.kaged.daemon.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.audit.AuditQueries;
import io.kaged.actors.process.PtyLauncher;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.Signals;
import io.kaged.actors.retention.RetentionService;
import io.kaged.actors.retention.RetentionSettings;
import io.kaged.actors.run.RunLauncher;
import io.kaged.actors.run.RunProjection;
import io.kaged.actors.run.RunPurge;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSettings;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.session.SessionProjection;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionSettings;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.actors.stats.StatsQueries;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.http.HttpSettings;
import io.kaged.http.routes.ApiRoutes;
import io.kaged.http.routes.AttachTickets;
import io.kaged.http.routes.AuditRoutes;
import io.kaged.http.routes.AuditTrail;
import io.kaged.http.routes.BearerAuth;
import io.kaged.http.routes.InfoRoutes;
import io.kaged.http.routes.MetricsRoutes;
import io.kaged.http.routes.ProjectRoutes;
import io.kaged.http.routes.RetentionRoutes;
import io.kaged.http.routes.RunRoutes;
import io.kaged.http.routes.RunTokens;
import io.kaged.http.routes.SessionAttach;
import io.kaged.http.routes.SessionRoutes;
import io.kaged.http.routes.StatsRoutes;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.journal.JournalProjections;
import io.kaged.persistence.project.ProjectStore;
import io.kaged.persistence.store.PrivateFolders;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.store.StoreLock;
import io.kaged.persistence.store.StoreSetup;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running kaged daemon: holds the store lock, the auth token, the actor system (whose store extension
 * migrates before anything else runs) and the HTTP binding. Stopping it (SIGTERM, or {@link #stop()})
 * runs Pekko's coordinated shutdown: unbind, stop actors, flush the store, release the lock.
 */
public final class Daemon {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final StoreLock lock;

    private Daemon(ActorSystem<Void> system, ServerBinding binding, StoreLock lock) {
        this.system = system;
        this.binding = binding;
        this.lock = lock;
    }

    public static Daemon start(LoadedConfig loaded, Integer portOverride) {
        return start(loaded, portOverride, Clock.systemUTC());
    }

    /**
     * @param clock the time every actor, audit row and retention cutoff is taken from; tests pass one they
     *     can move
     */
    public static Daemon start(LoadedConfig loaded, Integer portOverride, Clock clock) {
        Instant startedAt = Instant.now();
        StorageSettings storage = StorageSettings.fromConfig(loaded.config(), loaded.env());
        HttpSettings http = HttpSettings.fromConfig(loaded.config());
        if (portOverride != null) {
            http = http.withPort(portOverride);
        }
        StoreLock lock = StoreLock.tryAcquire(storage.target())
                .orElseThrow(() -> new DaemonStartException("another kaged daemon is running on the store "
                        + storage.target().masked() + "; stop it first (kaged status shows it), or start this one"
                        + " on another store with KAGED_HOME or KAGED_DATABASE_URL."));
        ActorSystem<Void> system = null;
        // Opening and migrating the store takes about as long as starting the actor system: both at once.
        CompletableFuture<Store> opening = new CompletableFuture<>();
        startAside("kaged-store-open", () -> {
            try {
                opening.complete(Store.open(storage));
            } catch (RuntimeException e) {
                opening.completeExceptionally(e);
            }
        });
        // Pekko HTTP's bind initialises TLSPlacebo, whose static initialiser builds the JVM's default
        // SSLContext (trust store, JSSE provider) even for plain HTTP: done here, beside the actor system.
        startAside("kaged-tls-init", () -> {
            try {
                Class.forName("org.apache.pekko.stream.scaladsl.TLSPlacebo$", true, Daemon.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ignored) {
                // the bind then does it itself, as it would without this thread
            }
        });
        try {
            String token = prepareHome(loaded);
            SessionSettings sessionSettings = SessionSettings.fromConfig(loaded.config());
            PtyLauncher launcher = new PtyLauncher(sessionSettings.readBufferBytes());
            ExecutorService blocking = Executors.newCachedThreadPool(named("kaged-process-io"));
            CompletableFuture<Guardian.Supervisors> supervisors = new CompletableFuture<>();
            // A run's process learns where the API is and gets a token scoped to its own child runs.
            java.util.concurrent.atomic.AtomicReference<String> apiUrl =
                    new java.util.concurrent.atomic.AtomicReference<>();
            RunTokens runTokens = new RunTokens(token);
            RunLauncher runLauncher = new RunLauncher(blocking, runId -> {
                java.util.Map<String, String> env = new java.util.HashMap<>();
                env.put("KAGED_TOKEN", runTokens.issue(runId));
                if (apiUrl.get() != null) {
                    env.put("KAGED_URL", apiUrl.get());
                }
                return env;
            });
            RetentionSettings retentionSettings = retentionSettings(loaded);
            system = ActorSystem.create(
                    Guardian.create(
                            sessionSettings,
                            launcher,
                            RunSettings.fromConfig(loaded.config()),
                            runLauncher,
                            blocking,
                            clock,
                            supervisors),
                    "kaged",
                    ActorSystemSetup.create(BootstrapSetup.create(loaded.config()), new StoreSetup(storage, opening)));
            // Opening the store migrates it, before any actor persists and before HTTP takes traffic.
            Store store = StoreExtension.store(system.classicSystem());
            JournalProjections.get(system.classicSystem()).register(new SessionProjection());
            JournalProjections.get(system.classicSystem()).register(new RunProjection());
            String schema = store.migrations().status().schemaVersion();
            Guardian.Supervisors started = supervisors.get(10, TimeUnit.SECONDS);
            ActorRef<SessionSupervisor.Command> sessions = started.sessions();
            SessionQueries sessionQueries = new SessionQueries(store);
            sessions.tell(new SessionSupervisor.Recover(sessionQueries.live().get(30, TimeUnit.SECONDS)));
            RunQueries runQueries = new RunQueries(store);
            started.runs().tell(new RunSupervisor.Recover(runQueries.live().get(30, TimeUnit.SECONDS)));
            ActorSystem<Void> sys = system;
            CoordinatedShutdown.get(system)
                    .addTask(
                            CoordinatedShutdown.PhaseServiceStop(),
                            "terminate-sessions",
                            () -> AskPattern.<SessionSupervisor.Command, Done>ask(
                                    sessions,
                                    SessionSupervisor.TerminateAll::new,
                                    Duration.ofSeconds(10),
                                    sys.scheduler()));
            system.getWhenTerminated().thenRun(() -> {
                launcher.close();
                blocking.shutdownNow();
            });
            ObjectMapper mapper = new ObjectMapper();
            InfoRoutes info = new InfoRoutes(
                    () -> new InfoRoutes.Info(
                            version(),
                            storage.home().mode().label(),
                            storage.target().engine().label(),
                            storage.target().masked(),
                            schema,
                            startedAt.toString(),
                            Duration.between(startedAt, Clock.systemUTC().instant())
                                    .toSeconds()),
                    mapper);
            AuditTrail audit = new AuditTrail(store, clock);
            SessionAttach attach = new SessionAttach(
                    system,
                    sessions,
                    sessionQueries,
                    http,
                    sessionSettings.clientBuffer(),
                    new AttachTickets(clock),
                    audit);
            SessionRoutes sessionRoutes = new SessionRoutes(
                    system,
                    sessions,
                    sessionQueries,
                    audit,
                    http,
                    mapper,
                    attach,
                    new AuditLog(clock),
                    pid -> blocking.execute(() -> Signals.sendToGroup(pid, Signal.KILL)));
            RunRoutes runRoutes = new RunRoutes(
                    system,
                    started.runs(),
                    runQueries,
                    audit,
                    http,
                    mapper,
                    new io.kaged.persistence.journal.JournalEvents(
                            store, new io.kaged.persistence.serialization.PayloadCodec(system.classicSystem())),
                    new RunPurge(store, new AuditLog(clock)));
            RetentionService retention =
                    new RetentionService(store, started.runs(), sessions, retentionSettings, clock, system);
            ProjectRoutes projectRoutes = new ProjectRoutes(new ProjectStore(store, clock), http, mapper);
            DaemonMetrics metrics = DaemonMetrics.register(system, store);
            ApiRoutes routes = new ApiRoutes(
                    http,
                    new BearerAuth(token),
                    info,
                    sessionRoutes,
                    runRoutes,
                    projectRoutes,
                    new AuditRoutes(new AuditQueries(store), mapper),
                    new StatsRoutes(new StatsQueries(store), mapper),
                    new RetentionRoutes(retention, mapper),
                    new MetricsRoutes(metrics.registry(), metrics.states(), http.metricsOpen()),
                    metrics.http());
            ServerBinding binding = bind(system, http, routes);
            binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
            if (retentionSettings.enabled()) {
                // scheduled only now, with the API up; the scheduler's tasks end with the actor system
                retention.schedule();
                log.info(
                        "Retention policy applied every {} s, first in {} s: {}",
                        retentionSettings.interval().toSeconds(),
                        retentionSettings.firstPassAfter().toSeconds(),
                        retentionSettings.policy().describe());
            } else {
                log.info("Retention policy not applied on a schedule (kaged.retention.enabled = false)");
            }
            apiUrl.set("http://" + http.host() + ":" + binding.localAddress().getPort());
            system.getWhenTerminated().thenRun(lock::close);
            log.info(
                    "kaged {} listening on http://{}:{} (store {}, token in {})",
                    version(),
                    http.host(),
                    binding.localAddress().getPort(),
                    storage.target().masked(),
                    loaded.home().authToken());
            return new Daemon(system, binding, lock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonStartException("interrupted while starting", e);
        } catch (ExecutionException | TimeoutException e) {
            stopQuietly(system, lock);
            throw new DaemonStartException("the daemon did not come up: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (system != null) {
                system.terminate();
                awaitQuietly(system.getWhenTerminated());
            } else {
                opening.thenAccept(Store::close); // no actor system took it over
            }
            lock.close();
            throw e;
        }
    }

    private static RetentionSettings retentionSettings(LoadedConfig loaded) {
        try {
            return RetentionSettings.fromConfig(loaded.config());
        } catch (com.typesafe.config.ConfigException e) {
            throw new DaemonStartException("bad retention setting: " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(ActorSystem<Void> system, StoreLock lock) {
        if (system != null) {
            system.terminate();
            awaitQuietly(system.getWhenTerminated());
        }
        lock.close();
    }

    /** Runs {@code task} on a daemon thread of its own, beside the start-up. */
    private static void startAside(String name, Runnable task) {
        named(name).newThread(task).start();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String prepareHome(LoadedConfig loaded) {
        try {
            PrivateFolders.create(loaded.home().dir());
            return AuthTokenFile.loadOrCreate(loaded.home().authToken());
        } catch (IOException e) {
            throw new DaemonStartException(
                    "cannot prepare the kaged home " + loaded.home().dir() + ": " + e, e);
        }
    }

    private static ServerBinding bind(ActorSystem<?> system, HttpSettings http, ApiRoutes routes) {
        try {
            return Http.get(system)
                    .newServerAt(http.host(), http.port())
                    .withSettings(io.kaged.http.HttpServerSettings.create(system))
                    .bind(routes.route())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DaemonStartException(
                    "cannot listen on " + http.host() + ":" + http.port() + ": " + cause.getMessage()
                            + "; choose another port with --port or KAGED_HTTP_PORT.",
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonStartException("interrupted while binding the HTTP port", e);
        }
    }

    private static void awaitQuietly(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // shutting down after a failed start: the start failure is what gets reported
        }
    }

    public static String version() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Runs coordinated shutdown and waits for it. */
    public void stop() {
        system.terminate();
        awaitTermination();
        // Released here too, not only in the termination callback, so that stop() returning means the
        // store is free for the next daemon.
        lock.close();
    }

    public CompletionStage<Done> whenTerminated() {
        return system.getWhenTerminated();
    }

    public void awaitTermination() {
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
