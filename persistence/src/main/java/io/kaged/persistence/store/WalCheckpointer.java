package io.kaged.persistence.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed pages from SQLite's write-ahead log into the database file on a thread of its own, so
 * the write lane only appends to the log. Left to SQLite, the commit that crosses 1,000 pages of log runs
 * the checkpoint itself, and every writer waiting behind it waits too: on the journal benchmark that cost
 * a third of the write rate (docs/benchmarks.md).
 *
 * <p>Every {@code interval} it looks at the log file. From {@code passive-after} bytes it runs a passive
 * checkpoint, which never blocks writers or readers. A passive checkpoint under a steady stream of
 * commits may never catch up with the log, and the log only starts over once it has; so from {@code
 * restart-after} bytes of log a restart checkpoint runs <em>on the write lane</em>, between two
 * transactions: run from this thread it would wait for the file lock, which the lane takes again as soon
 * as it lets go, and starve. Before queueing it, this thread copies ahead in passive rounds until one is
 * quick, so the lane waits only for the last few commits. {@code journal_size_limit} (set on every
 * connection to restart-after) then cuts the file back to that size and no further: a file cut shorter
 * grows again at once, which slowed writes (measured, docs/benchmarks.md; ext4 flushing the newly allocated
 * blocks at every sync is our reading of why).
 *
 * <p>This thread may fall behind: on a slow or busy disk a passive copy and its syncs take longer than the
 * writers need to log as much again. So the lane also checks the log file before each task, and from
 * {@code hold-writes-after} bytes runs the restart itself, holding that write until the log starts over
 * ({@link #holdWhileLogTooLong}): a bound that does not depend on this thread keeping up.
 *
 * <p>Why the restart is needed at all: SQLite starts the log over only when a write transaction
 * <em>begins</em> with every frame copied, and the busy lane always begins its next one while a passive
 * copy runs, so without it the log would grow for as long as writes keep coming.
 *
 * <p>With {@code synchronous = NORMAL} SQLite syncs the log only when it checkpoints, so this thread also
 * runs a passive checkpoint every {@code sync-every} while anything was written: that bounds what a power
 * loss can take. A crash of the process loses nothing either way; the commits are in the OS's hands.
 */
final class WalCheckpointer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

    /** How long a restart checkpoint waits for readers before giving up until the next tick. */
    private static final long RESTART_WAIT_MILLIS = 100;

    /** Passive rounds before a restart: enough for the copy to converge, bounded if it never does. */
    private static final int MAX_COPY_ROUNDS = 4;

    private static final long QUICK_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Restarts a held write tries while readers are in the way, each waiting {@link #RESTART_WAIT_MILLIS}. */
    private static final int HOLD_READER_TRIES = 5;

    private static final long HOLD_READER_PAUSE_MILLIS = 50;

    private final DataSource sqlite;
    private final DataSource pool;
    private final Executor lane;
    private final AtomicBoolean restartQueued = new AtomicBoolean();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong holdsGivenUp = new AtomicLong();
    private final Path wal;
    private final StorageSettings.WalCheckpoints limits;
    private final Duration busyTimeout;
    private final boolean periodicSync;
    private long lastPassive = System.nanoTime();
    private long frameBytes;
    /** The log's size at the last passive checkpoint. */
    private long lastLogged;

    private long lastDataVersion = -1;
    /** The lane's own: from this size of log file a write waits for a restart. */
    private long holdFrom;

    /** This thread is inside a checkpoint call, holding SQLite's checkpoint lock. */
    private volatile boolean copying;

    /** The lane is holding writes for a restart: the ticks leave the checkpoint lock to it. */
    private volatile boolean holding;

    private final ScheduledExecutorService thread;
    private Connection connection;
    private String lastFailure;

    /**
     * @param sqlite opens this thread's own connection
     * @param pool and {@code lane}: where the restart checkpoint runs, between the lane's transactions
     * @param settings the store's: its file, checkpoint limits, busy timeout and synchronous level
     */
    WalCheckpointer(DataSource sqlite, DataSource pool, Executor lane, StorageSettings settings) {
        this.sqlite = sqlite;
        this.pool = pool;
        this.lane = lane;
        this.wal = Path.of(settings.target().sqliteFile() + "-wal");
        this.limits = settings.sqliteCheckpoints();
        this.holdFrom = limits.holdWritesAfterBytes();
        this.busyTimeout = settings.sqliteBusyTimeout();
        // Below FULL, a commit is synced only when a checkpoint runs.
        this.periodicSync = List.of("NORMAL", "OFF").contains(settings.sqliteSynchronous());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kaged-sqlite-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long every = limits.interval().toMillis();
        thread.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            // Nothing while a restart is queued: one checkpoint runs at a time, and the restart would wait.
            // The file's size only says whether a copy may be due: it stays at its peak between restarts.
            if (!holding && !restartQueued.get() && (walBytes() >= limits.passiveAfterBytes() || syncDue(now))) {
                long logged = checkpoint("PASSIVE");
                lastPassive = now;
                // A log that has not grown since the last look is idle: the next writer starts it over
                // itself, since every frame is copied. A restart is for a log that writers keep growing.
                boolean growing = logged != lastLogged;
                lastLogged = logged;
                if (growing && logged >= limits.restartAfterBytes()) {
                    copyAhead();
                    restartQueued.set(true);
                    lane.execute(this::restartOnLane);
                }
            }
            lastFailure = null;
        } catch (SQLException | IOException | RuntimeException e) {
            // Never fatal: the log only grows until the next tick succeeds. Said once, not every tick.
            String message = e.getMessage();
            if (!java.util.Objects.equals(message, lastFailure)) {
                log.warn("SQLite checkpoint of {} failed, will retry: {}", wal, message);
                lastFailure = message;
            }
            closeConnection();
        }
    }

    /**
     * Copies the log in passive rounds until one is quick, so that the restart, which every writer waits
     * for, finds only the last few commits left to copy and sync. Each round copies what was committed
     * during the round before it; a round under {@link #QUICK_ROUND_NANOS} means little is left. The
     * rounds stop once the log has doubled past restart-after: the bound on the log comes first.
     */
    private void copyAhead() throws SQLException {
        for (int round = 0; round < MAX_COPY_ROUNDS; round++) {
            long start = System.nanoTime();
            long logged = checkpoint("PASSIVE");
            if (System.nanoTime() - start < QUICK_ROUND_NANOS || logged >= 2 * limits.restartAfterBytes()) {
                return;
            }
        }
    }

    private void restartOnLane() {
        try {
            if (restart()) {
                restarts.incrementAndGet();
            }
        } catch (SQLException e) {
            log.warn("SQLite restart checkpoint of {} failed, will retry: {}", wal, e.getMessage());
        } finally {
            restartQueued.set(false);
        }
    }

    /**
     * The hard bound, run by the write lane before each of its tasks: a log file past {@code
     * hold-writes-after} holds this write until the log is copied and starts over. The file is cut back to
     * restart-after at every restart, so a file this large means the log itself is: a stat per write tells.
     *
     * <p>While this thread's passive copy holds SQLite's checkpoint lock the restart cannot start, and the
     * write waits as long as the copy takes: the copy is the work the bound waits for. A reader in the way
     * is tried a few times ({@link #HOLD_READER_TRIES}), with pauses in which another process's writer gets
     * its turn; one that still holds an old snapshot then (a long backup) lets the write go on, and the next
     * hold comes only after another hold-writes-after of log: a backup must not stall every write.
     */
    void holdWhileLogTooLong() {
        try {
            long bytes = walBytes();
            if (bytes < limits.holdWritesAfterBytes()) {
                holdFrom = limits.holdWritesAfterBytes(); // the file was cut back: the log started over
                return;
            }
            if (bytes < holdFrom) {
                return;
            }
            hold(bytes);
        } catch (IOException | SQLException | RuntimeException e) {
            // Never fatal to the write: a task dropped here would leave its caller waiting forever.
            log.warn("SQLite restart checkpoint of {} failed, writes go on: {}", wal, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void hold(long bytes) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        holding = true;
        try {
            int readerTries = 0;
            while (!restartOnceCopied()) {
                if (copying) {
                    continue; // a tick began its copy in between: not a reader
                }
                if (++readerTries == HOLD_READER_TRIES) {
                    holdFrom = bytes + limits.holdWritesAfterBytes();
                    holdsGivenUp.incrementAndGet();
                    log.warn(
                            "SQLite log {} is {} bytes and a reader keeps it from starting over; writes go on,"
                                    + " held again from {} bytes",
                            wal,
                            bytes,
                            holdFrom);
                    return;
                }
                Thread.sleep(HOLD_READER_PAUSE_MILLIS);
            }
        } finally {
            holding = false;
        }
        held.incrementAndGet();
        // Until the next commit starts the log over and cuts the file, the file keeps this size.
        holdFrom = bytes + 1;
        log.info(
                "SQLite log {} reached {} bytes, faster than the background copy: writes held {} ms while it was"
                        + " copied and started over",
                wal,
                bytes,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Waits while this thread's copy holds the checkpoint lock, where a restart would only be refused. */
    private boolean restartOnceCopied() throws SQLException, InterruptedException {
        while (copying) {
            Thread.sleep(1);
        }
        return restart();
    }

    /**
     * One restart checkpoint on a connection of the pool, on the calling thread (the write lane). Returns
     * whether the log was copied whole with no reader left on it, so that the next writer starts it over;
     * false when another checkpoint ran or a reader stayed past the short wait.
     */
    private boolean restart() throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            // While a restart waits for readers, no one else can write: a long read (a backup's VACUUM INTO)
            // would hold every other writer for the whole busy timeout and fail them. It gives up instead, and
            // a later tick tries again.
            st.execute("PRAGMA busy_timeout = " + RESTART_WAIT_MILLIS);
            try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(RESTART)")) {
                rs.next();
                return rs.getInt(1) == 0;
            } finally {
                st.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
            }
        }
    }

    /**
     * With synchronous = NORMAL a commit is not synced until a checkpoint, and under passive-after bytes of
     * log none would come: a passive one, which syncs the log before copying it, is due once sync-every
     * has passed and something was written since the last.
     */
    private boolean syncDue(long now) throws SQLException {
        if (!periodicSync || now - lastPassive < limits.syncEvery().toNanos()) {
            return false;
        }
        // data_version changes when another connection commits: nothing new means nothing to sync.
        long version;
        try (Statement st = connection().createStatement();
                ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            version = rs.getLong(1);
        }
        boolean written = version != lastDataVersion;
        lastDataVersion = version;
        return written;
    }

    /** Background restart checkpoints completed so far, for tests: each one holds every writer for a moment. */
    long restarts() {
        return restarts.get();
    }

    /** Writes held at the hard bound until the log started over, for tests. */
    long holds() {
        return held.get();
    }

    /** Holds that let the write go on because a reader kept the log from starting over, for tests. */
    long holdsGivenUp() {
        return holdsGivenUp.get();
    }

    /** A log frame: a whole page and its 24-byte header. The page size is the store's, fixed at creation. */
    private long frameBytes() throws SQLException {
        if (frameBytes == 0) {
            try (Statement st = connection().createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA page_size")) {
                rs.next();
                frameBytes = rs.getLong(1) + 24;
            }
        }
        return frameBytes;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = sqlite.getConnection();
        }
        return connection;
    }

    private long walBytes() throws IOException {
        return Files.exists(wal) ? Files.size(wal) : 0;
    }

    /** Runs a checkpoint; returns the bytes the log holds, all of it copied or not. */
    private long checkpoint(String mode) throws SQLException {
        copying = true;
        try (Statement st = connection().createStatement();
                ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rs.next();
            return rs.getLong(2) * frameBytes();
        } finally {
            copying = false;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection is replaced at the next tick
            }
            connection = null;
        }
    }

    /** Stops the thread; the last connection to close checkpoints what is left, as SQLite always does. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("SQLite checkpoint still running after 30 s at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
