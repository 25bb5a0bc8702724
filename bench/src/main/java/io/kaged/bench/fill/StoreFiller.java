package io.kaged.bench.fill;

import com.typesafe.config.Config;
import io.kaged.actors.Supervisors;
import io.kaged.actors.stats.Stats;
import io.kaged.actors.stats.StatsQueries;
import io.kaged.persistence.journal.JournalSetup;
import io.kaged.persistence.serialization.KagedSerializable;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.store.StoreLock;
import io.kaged.persistence.store.StoreSetup;
import java.io.PrintStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Fills a stopped daemon's store with made-up but real history. Runs and sessions go through kaged's
 * journal plugin with the daemon's own projections registered, exactly as their actors persist, so the
 * journal, the query tables and the transcripts agree, and replay, purge and the events route work on
 * them; many histories are written at once so that group commit carries the load. Audit rows are a
 * plain table and go in with batched JDBC.
 *
 * <p>Holds the store lock from open to close: no daemon can start on the store meanwhile, and the fill
 * refuses a store a daemon holds.
 */
public final class StoreFiller implements AutoCloseable {

    /** Why the fill will not touch this store: a sentence for the operator. */
    public static final class FillRefused extends RuntimeException {
        FillRefused(String message) {
            super(message);
        }
    }

    /** What the store holds after the fill. */
    public record Result(int runs, int sessions, int auditRows, Stats stats, long auditTotal, double seconds) {}

    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    /** Runs per round; parents are written before their children within a round. */
    private static final int CHUNK = 4_096;

    private final StorageSettings storage;
    private final StoreLock lock;
    private final ActorSystem<HistoryWriter.Write> system;
    private final Store store;

    private StoreFiller(StorageSettings storage, StoreLock lock, ActorSystem<HistoryWriter.Write> system) {
        this.storage = storage;
        this.lock = lock;
        this.system = system;
        this.store = StoreExtension.store(system.classicSystem());
    }

    /** Locks the store, opens (and migrates) it and starts the writers' actor system on it. */
    public static StoreFiller open(Config config, StorageSettings storage) {
        StoreLock lock = StoreLock.tryAcquire(storage.target())
                .orElseThrow(
                        () -> new FillRefused("the store " + storage.target().masked()
                                + " is held by a running kaged (a daemon, a restore or another fill); stop the daemon"
                                + " first (kaged status shows it), or fill another store with KAGED_HOME or"
                                + " KAGED_DATABASE_URL."));
        ActorSystem<HistoryWriter.Write> system = null;
        try {
            system = ActorSystem.create(
                    HistoryWriter.guardian(),
                    "kaged-fill",
                    ActorSystemSetup.create(
                            BootstrapSetup.create(config),
                            new StoreSetup(storage),
                            new JournalSetup(Supervisors.projections())));
            StoreFiller filler = new StoreFiller(storage, lock, system);
            return filler;
        } catch (RuntimeException e) {
            if (system != null) {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().join();
            }
            lock.close();
            throw e;
        }
    }

    /** How many runs the store holds now. */
    public long runs() throws SQLException {
        return count("runs");
    }

    public Result fill(FillOptions o, PrintStream out) throws Exception {
        refuseUnlessEmpty(o);
        long t0 = System.nanoTime();
        out.printf(
                Locale.ROOT,
                "Filling %s: %,d runs, %,d sessions, %,d audit rows from %s to %s (seed %d)%n",
                storage.target().masked(),
                o.runs(),
                o.sessions(),
                o.audit(),
                o.start(),
                o.end(),
                o.seed());
        SessionHistories sessions = new SessionHistories(o);
        try (Progress p = Progress.start(out, "sessions", sessions.size(), REPORT_EVERY)) {
            Writes writes = new Writes(o.inFlight(), p);
            for (int i = 0; i < sessions.size(); i++) {
                SessionHistories.PlannedSession s = sessions.plan(i);
                writes.submit(s.persistenceId(), s.events());
            }
            writes.drain();
        }
        RunHistories runs = new RunHistories(o, sessions.timeline());
        try (Progress p = Progress.start(out, "runs", runs.size(), REPORT_EVERY)) {
            Writes writes = new Writes(o.inFlight(), p);
            for (int from = 0; from < runs.size(); from += CHUNK) {
                int to = Math.min(runs.size(), from + CHUNK);
                // A child's parent row must exist first (runs.parent_id is a foreign key).
                for (int depth = 0; depth <= RunHistories.MAX_DEPTH; depth++) {
                    for (int i = from; i < to; i++) {
                        if (runs.depth(i) == depth) {
                            RunHistories.PlannedRun run = runs.plan(i);
                            writes.submit(run.persistenceId(), run.events());
                        }
                    }
                    writes.drain();
                }
            }
        }
        try (Progress p = Progress.start(out, "audit rows", o.audit(), REPORT_EVERY)) {
            new AuditRows(o, runs.timeline(), sessions.timeline()).insert(store, p);
        }
        Stats stats = new StatsQueries(store)
                .stats(new StatsQueries.Scope(null, false))
                .get();
        long audit = count("audit");
        Result result = new Result(o.runs(), o.sessions(), o.audit(), stats, audit, (System.nanoTime() - t0) / 1e9);
        summarize(result, out);
        return result;
    }

    private void refuseUnlessEmpty(FillOptions o) throws SQLException {
        long runs = count("runs");
        long sessions = count("sessions");
        long audit = count("audit");
        if (!o.append() && runs + sessions + audit > 0) {
            throw new FillRefused(String.format(
                    Locale.ROOT,
                    "the store %s already holds %,d runs, %,d sessions and %,d audit rows; the fill adds"
                            + " made-up history, so it wants an empty store (another KAGED_HOME or"
                            + " KAGED_DATABASE_URL), or --append (with another --seed or --until) to add to it"
                            + " anyway.",
                    storage.target().masked(),
                    runs,
                    sessions,
                    audit));
        }
    }

    private long count(String table) throws SQLException {
        return store.withConnection(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private void summarize(Result r, PrintStream out) {
        Stats s = r.stats();
        out.printf(
                Locale.ROOT,
                "Filled %s in %.1f s. The store now holds:%n",
                storage.target().masked(),
                r.seconds());
        out.printf(
                Locale.ROOT,
                "  runs:       %,d %s%n",
                s.runs().total(),
                s.runs().byState());
        out.printf(
                Locale.ROOT,
                "  sessions:   %,d %s%n",
                s.sessions().total(),
                s.sessions().byState());
        out.printf(Locale.ROOT, "  events:     %,d in the journal%n", s.events());
        out.printf(Locale.ROOT, "  audit rows: %,d%n", r.auditTotal());
        out.printf(
                Locale.ROOT,
                "  size:       %.1f MiB (%s)%n",
                s.store().bytes() / 1048576.0,
                s.store().engine());
    }

    /**
     * Keeps up to {@code inFlight} histories being written and counts them done; the first failure stops
     * the fill.
     */
    private final class Writes {
        private final int inFlight;
        private final Semaphore permits;
        private final Progress progress;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Writes(int inFlight, Progress progress) {
            this.inFlight = inFlight;
            this.permits = new Semaphore(inFlight);
            this.progress = progress;
        }

        void submit(String persistenceId, List<? extends KagedSerializable> events) throws Exception {
            rethrow();
            permits.acquire();
            AskPattern.<HistoryWriter.Write, Long>askWithStatus(
                            system,
                            replyTo -> new HistoryWriter.Write(persistenceId, events, replyTo),
                            WRITE_TIMEOUT,
                            system.scheduler())
                    .whenComplete((held, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            progress.add(1);
                        }
                        permits.release();
                    });
        }

        /** Waits until every submitted history is written. */
        void drain() throws Exception {
            permits.acquire(inFlight);
            permits.release(inFlight);
            rethrow();
        }

        private void rethrow() throws Exception {
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("writing the history failed: " + t.getMessage(), t);
            }
        }
    }

    /** Stops the writers' actor system, closes the store, then releases the lock. */
    @Override
    public void close() throws InterruptedException, ExecutionException, TimeoutException {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
        } finally {
            lock.close();
        }
    }
}
