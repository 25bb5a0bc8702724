package io.kaged.persistence.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one connection pool, its migrated schema and the threads that run JDBC.
 *
 * <p>Writes run on a fixed set of single-thread <em>write lanes</em>: one lane on SQLite, so no two
 * writers in this process ever fight over the file lock, and a few on PostgreSQL. Reads run on their
 * own pool. No JDBC ever runs on an actor dispatcher. Callers receive {@link CompletableFuture}s
 * completed on these threads and must hop to their own executor before doing real work.
 */
public final class Store implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Store.class);

    private final StorageSettings settings;
    private final HikariDataSource pool;
    private final ExecutorService readers;
    private final List<ExecutorService> lanes;
    private final Migrations migrations;
    private final WalCheckpointer checkpointer;
    private final StoreHealth health;

    /** @param sqlite the SQLite data source under the pool; null on PostgreSQL */
    private Store(StorageSettings settings, HikariDataSource pool, DataSource sqlite) {
        this.settings = settings;
        this.pool = pool;
        int lanesCount = settings.writeLanes();
        this.readers =
                Executors.newFixedThreadPool(Math.max(1, settings.poolSize() - lanesCount), named("kaged-jdbc-read"));
        List<ExecutorService> ls = new ArrayList<>();
        for (int i = 0; i < lanesCount; i++) {
            ls.add(new WriteLane(named("kaged-jdbc-write-" + i), this::betweenWrites));
        }
        this.lanes = List.copyOf(ls);
        this.checkpointer = backgroundCheckpoints(settings, sqlite)
                ? new WalCheckpointer(sqlite, pool, lanes.get(0), settings)
                : null;
        this.migrations = new Migrations(pool, settings.target().engine());
        this.health = new StoreHealth(settings.target());
        health.probeWith(needRoom -> inTransaction(c -> StoreHealth.probeWrite(c, needRoom)));
    }

    /** Whether the store takes writes now, and why not. */
    public StoreHealth health() {
        return health;
    }

    /** Runs on a write lane before each of its tasks. */
    private void betweenWrites() {
        if (checkpointer != null) {
            checkpointer.holdWhileLogTooLong();
        }
    }

    /** Opens the pool and brings the schema up to date: the one migration run of this process. */
    public static Store open(StorageSettings settings) {
        Store store = openUnmigrated(settings);
        try {
            int ran = store.migrations.migrate();
            if (ran > 0) {
                log.info(
                        "Store {} migrated: {} migration(s) applied",
                        settings.target().masked(),
                        ran);
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw new StorageConfigException(
                    "could not migrate the store at " + settings.target().masked() + ": " + e.getMessage(), e);
        }
    }

    /** Opens the pool without migrating, for commands that only report ({@code kaged db}). */
    public static Store openUnmigrated(StorageSettings settings) {
        StorageTarget target = settings.target();
        target.file().ifPresent(file -> SqliteFile.prepare(file, settings));
        DataSource sqlite = target.engine() == Engine.SQLITE ? SqliteFile.dataSource(settings) : null;
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("kaged-store");
        hc.setMaximumPoolSize(settings.poolSize());
        hc.setMinimumIdle(Math.min(2, settings.poolSize()));
        hc.setConnectionTimeout(settings.connectionTimeout().toMillis());
        hc.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
        if (target.engine() == Engine.SQLITE) {
            hc.setDataSource(sqlite);
            if (backgroundCheckpoints(settings, sqlite)) {
                // The WalCheckpointer does it; a commit must not (see there why).
                hc.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");
            }
        } else {
            hc.setJdbcUrl(target.jdbcUrl());
            if (target.username() != null) {
                hc.setUsername(target.username());
            }
            if (target.password() != null) {
                hc.setPassword(target.password());
            }
            // Turns a JDBC batch into multi-row INSERTs: the journal's group commit depends on it.
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("ApplicationName", "kaged");
        }
        try {
            return new Store(settings, new HikariDataSource(hc), sqlite);
        } catch (RuntimeException e) {
            throw new StorageConfigException(
                    "cannot open the store at " + target.masked() + " (" + settings.targetSource() + "): "
                            + rootMessage(e),
                    e);
        }
    }

    /** A SQLite file (not an in-memory store) whose log a thread of kaged's checkpoints. */
    private static boolean backgroundCheckpoints(StorageSettings settings, DataSource sqlite) {
        return sqlite != null
                && settings.target().sqliteFile() != null
                && settings.sqliteCheckpoints().background();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return StorageTarget.maskUserInfo(String.valueOf(t.getMessage()));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public StorageSettings settings() {
        return settings;
    }

    public Engine engine() {
        return settings.target().engine();
    }

    public StorageTarget target() {
        return settings.target();
    }

    public DataSource dataSource() {
        return pool;
    }

    public Migrations migrations() {
        return migrations;
    }

    /** The SQLite log's checkpointer, if this store runs one: for tests of this package. */
    WalCheckpointer checkpointer() {
        return checkpointer;
    }

    public int laneCount() {
        return lanes.size();
    }

    /** The single-thread executor of write lane {@code i}; work for one key must always use one lane. */
    public ExecutorService lane(int i) {
        return lanes.get(i);
    }

    public int laneFor(String key) {
        return Math.floorMod(key.hashCode(), lanes.size());
    }

    /** Runs read-only work on the read pool with an auto-commit connection. */
    public <T> CompletableFuture<T> read(SqlWork<T> work) {
        return CompletableFuture.supplyAsync(() -> unchecked(() -> withConnection(work)), readers);
    }

    /**
     * Runs {@code work} in one transaction on the write lane of {@code key}; fails with {@link WriteRefused},
     * without trying, while the store does not take writes (checked when the lane gets to it, so writes
     * queued behind the one that found a server gone do not each wait out the connection time-out). The
     * probe of {@link StoreHealth} finds the store writable again within a second of the cause going away.
     */
    public <T> CompletableFuture<T> write(String key, SqlWork<T> work) {
        return CompletableFuture.supplyAsync(
                () -> unchecked(() -> {
                    java.util.Optional<StoreHealth.Fault> fault = health.fault();
                    if (fault.isPresent()) {
                        throw new WriteRefused(fault.get());
                    }
                    return inTransaction(work);
                }),
                lane(laneFor(key)));
    }

    /** Runs on the calling thread: for the CLI and for lanes that already own their thread. */
    public <T> T withConnection(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        }
    }

    /**
     * Runs {@code work} in one transaction on the calling thread; rolls back on any failure, and then
     * throws that failure, whatever the clean-up meets ({@link #abandon}).
     *
     * <p>The commit is the return to auto-commit, one {@code COMMIT} on both drivers: sqlite-jdbc's {@code
     * commit()} would begin the next transaction straight after it, and a {@code BEGIN IMMEDIATE} that
     * then waits out the file lock or fails would report a committed transaction as failed.
     */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            begin(c);
            try {
                T result = work.apply(c);
                c.setAutoCommit(true);
                health.wrote();
                return result;
            } catch (SQLException | RuntimeException e) {
                abandon(c, e);
                health.writeFailed(e);
                throw e;
            }
        } catch (SQLException e) {
            health.writeFailed(e); // no connection: a server gone
            throw e;
        }
    }

    /**
     * sqlite-jdbc records a connection as transactional before its {@code BEGIN} runs (xerial/sqlite-jdbc#683):
     * after a {@code BEGIN IMMEDIATE} that timed out on the file lock, the connection would run the next
     * "transaction" statement by statement, committing half of it if it failed. Such a connection is
     * evicted from the pool instead of being reused.
     */
    private void begin(Connection c) throws SQLException {
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            pool.evictConnection(c);
            throw e;
        }
    }

    /**
     * Ends a transaction whose work or commit failed and returns the connection to auto-commit, keeping
     * what goes wrong on the way as suppressed by {@code cause}.
     *
     * <p>SQLite rolls a transaction back by itself after SQLITE_FULL, SQLITE_IOERR and a few more: the
     * rollback then finds no transaction, nor does sqlite-jdbc's return to auto-commit (a {@code COMMIT}),
     * which is the state wanted, not a second failure to report. A commit that failed leaves the driver in
     * auto-commit mode while SQLite may still hold the transaction open (it does after a refused deferred
     * constraint) or may not, which JDBC cannot ask: that connection, like one whose clean-up failed, is
     * evicted, and closing it ends whatever is left of the transaction.
     */
    private void abandon(Connection c, Exception cause) {
        boolean stateKnown;
        try {
            // Both steps run even if the first fails: the connection must leave transaction mode.
            stateKnown = !c.getAutoCommit() && (ended(c::rollback, cause) & ended(() -> c.setAutoCommit(true), cause));
        } catch (SQLException e) {
            cause.addSuppressed(e);
            stateKnown = false;
        }
        if (!stateKnown) {
            pool.evictConnection(c);
        }
    }

    private interface SqlStep {
        void run() throws SQLException;
    }

    /** Whether the step left no transaction behind; "no transaction is active" means SQLite ended it. */
    private static boolean ended(SqlStep step, Exception cause) {
        try {
            step.run();
            return true;
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no transaction is active")) {
                return true;
            }
            cause.addSuppressed(e);
            return false;
        }
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private static <T> T unchecked(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    /** Finishes queued writes, then closes the pool. */
    @Override
    public void close() {
        health.close();
        if (checkpointer != null) {
            checkpointer.close(); // first: it hands work to the lanes
        }
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        readers.shutdown();
        try {
            for (ExecutorService lane : lanes) {
                if (!lane.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("Write lane still busy after 10 s at close; closing the pool anyway");
                }
            }
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
