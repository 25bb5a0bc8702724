package io.kaged.daemon.serve;

import io.kaged.actors.Supervisors;
import io.kaged.actors.retention.RetentionService;
import io.kaged.actors.retention.RetentionSettings;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.http.HttpApi;
import io.kaged.http.HttpSettings;
import io.kaged.http.routes.InfoRoutes;
import io.kaged.http.routes.RunTokens;
import io.kaged.persistence.journal.JournalSetup;
import io.kaged.persistence.metrics.MetricsExtension;
import io.kaged.persistence.secret.SecretStore;
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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
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
     * The start-up sequence of docs/architecture.md: settings, lock, the store (opened and migrated beside
     * the actor system's start), home and token, the supervisors, recovery of what was live, the routes,
     * the bind, the retention schedule.
     *
     * @param clock the time every actor, audit row and retention cutoff is taken from; tests pass one they
     *     can move
     */
    public static Daemon start(LoadedConfig loaded, Integer portOverride, Clock clock) {
        Instant startedAt = Instant.now();
        DaemonSettings settings = DaemonSettings.of(loaded, portOverride);
        if (settings.http().tls().enabled()) {
            warmUpTlsAside();
        } else {
            PlainHttpTls.initPlacebo(); // first: no other thread may ask for the default SSLContext meanwhile
        }
        StoreLock lock = lock(settings.storage());
        CompletableFuture<Store> opening = openAside(settings.storage());
        ActorSystem<Void> system = null;
        try {
            String token = prepareHome(loaded);
            RunTokens runTokens = new RunTokens(token);
            AtomicReference<String> apiUrl = new AtomicReference<>();
            CompletableFuture<Supervisors> spawned = new CompletableFuture<>();
            system = ActorSystem.create(
                    Guardian.create(
                            settings.actors(),
                            runId -> runEnvironment(runTokens, apiUrl, settings.http(), runId),
                            clock,
                            DaemonSandbox.settings(loaded, settings.storage()),
                            SecretStore.inHome(loaded.home().dir()),
                            spawned),
                    "kaged",
                    ActorSystemSetup.create(
                            BootstrapSetup.create(loaded.config()),
                            new StoreSetup(settings.storage(), opening),
                            new JournalSetup(Supervisors.projections())));
            Store store = StoreExtension.store(system.classicSystem());
            String schema = store.migrations().schemaVersion();
            Supervisors actors = spawned.get(10, TimeUnit.SECONDS);
            actors.recover(store).toCompletableFuture().get(30, TimeUnit.SECONDS);
            RetentionService retention = actors.retention(store, clock, system);
            JvmMetrics.register(MetricsExtension.registry(system.classicSystem()));
            Supplier<InfoRoutes.Info> info = () -> info(
                    settings.storage(),
                    schema,
                    startedAt,
                    () -> actors.confinement().sandbox().status(),
                    () -> actors.confinement().cgroups().status());
            Route routes = HttpApi.routes(
                    new HttpApi.Needs(system, store, actors, retention, token, settings.http(), clock, info));
            ServerBinding binding = bind(system, settings.http(), routes);
            apiUrl.set(settings.http().scheme() + "://" + settings.http().host() + ":"
                    + binding.localAddress().getPort());
            ApiSocket socket = ApiSocket.open(
                    ApiSocket.in(loaded.home().dir()),
                    new java.net.InetSocketAddress(
                            binding.localAddress().getAddress().isAnyLocalAddress()
                                    ? java.net.InetAddress.getLoopbackAddress()
                                    : binding.localAddress().getAddress(),
                            binding.localAddress().getPort()));
            if (socket != null) {
                system.getWhenTerminated().thenRun(socket::close);
            }
            schedule(retention);
            system.getWhenTerminated().thenRun(lock::close);
            log.info(
                    "kaged {} listening on {} (store {}, token in {})",
                    version(),
                    apiUrl.get(),
                    settings.storage().target().masked(),
                    loaded.home().authToken());
            return new Daemon(system, binding, lock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonStartException("interrupted while starting", e);
        } catch (ExecutionException | TimeoutException e) {
            stopQuietly(system, opening, lock);
            throw new DaemonStartException("the daemon did not come up: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stopQuietly(system, opening, lock);
            throw e;
        }
    }

    private static StoreLock lock(StorageSettings storage) {
        return StoreLock.tryAcquire(storage.target())
                .orElseThrow(() -> new DaemonStartException("another kaged daemon is running on the store "
                        + storage.target().masked() + "; stop it first (kaged status shows it), or start this one"
                        + " on another store with KAGED_HOME or KAGED_DATABASE_URL."));
    }

    /** Opening and migrating the store takes about as long as starting the actor system: both at once. */
    private static CompletableFuture<Store> openAside(StorageSettings storage) {
        CompletableFuture<Store> opening = new CompletableFuture<>();
        startAside("kaged-store-open", () -> {
            try {
                opening.complete(Store.open(storage));
            } catch (RuntimeException e) {
                opening.completeExceptionally(e);
            }
        });
        return opening;
    }

    /**
     * Pekko HTTP's bind initialises TLSPlacebo, whose static initialiser builds the JVM's default SSLContext
     * (trust store, JSSE provider): with TLS on, that stack is needed anyway, so it is built beside the actor
     * system's start. Without TLS, {@link PlainHttpTls} spares it.
     */
    private static void warmUpTlsAside() {
        startAside("kaged-tls-init", () -> {
            try {
                Class.forName("org.apache.pekko.stream.scaladsl.TLSPlacebo$", true, Daemon.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ignored) {
                // the bind then does it itself, as it would without this thread
            }
        });
    }

    /** A run's process learns where the API is and gets a token scoped to its own child runs. */
    private static Map<String, String> runEnvironment(
            RunTokens tokens, AtomicReference<String> apiUrl, HttpSettings http, String runId) {
        Map<String, String> env = new HashMap<>();
        env.put("KAGED_TOKEN", tokens.issue(runId));
        if (apiUrl.get() != null) {
            env.put("KAGED_URL", apiUrl.get());
            if (http.tls().enabled()) {
                // the certificate to trust for KAGED_URL (curl --cacert "$KAGED_CA_CERT"); it is public
                env.put(
                        "KAGED_CA_CERT",
                        http.tls().certificate().toAbsolutePath().toString());
            }
        }
        return env;
    }

    private static InfoRoutes.Info info(
            StorageSettings storage,
            String schema,
            Instant startedAt,
            Supplier<String> sandbox,
            Supplier<String> limits) {
        return new InfoRoutes.Info(
                version(),
                storage.home().mode().label(),
                storage.target().engine().label(),
                storage.target().masked(),
                schema,
                startedAt.toString(),
                Duration.between(startedAt, Clock.systemUTC().instant()).toSeconds(),
                sandbox.get(),
                limits.get());
    }

    /** Scheduled only with the API up; the scheduler's tasks end with the actor system. */
    private static void schedule(RetentionService retention) {
        RetentionSettings settings = retention.settings();
        if (settings.enabled()) {
            retention.schedule();
            log.info(
                    "Retention policy applied every {} s, first in {} s: {}",
                    settings.interval().toSeconds(),
                    settings.firstPassAfter().toSeconds(),
                    settings.policy().describe());
        } else {
            log.info("Retention policy not applied on a schedule (kaged.retention.enabled = false)");
        }
    }

    private static void stopQuietly(ActorSystem<Void> system, CompletableFuture<Store> opening, StoreLock lock) {
        if (system != null) {
            system.terminate();
            awaitQuietly(system.getWhenTerminated());
        } else {
            opening.thenAccept(Store::close); // no actor system took it over
        }
        lock.close();
    }

    /** Runs {@code task} on a daemon thread of its own, beside the start-up. */
    private static void startAside(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
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

    private static ServerBinding bind(ActorSystem<?> system, HttpSettings http, Route routes) {
        try {
            return HttpApi.bind(system, http, routes).toCompletableFuture().get(10, TimeUnit.SECONDS);
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
