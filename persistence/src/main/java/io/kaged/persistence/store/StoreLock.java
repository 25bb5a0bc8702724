package io.kaged.persistence.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * Exclusive hold on a store: whoever holds it may run a daemon on it or replace it. SQLite uses an OS
 * file lock on {@code <db>.lock} (released by the kernel if the holder dies, even by SIGKILL); PostgreSQL
 * a session advisory lock on a dedicated connection (released by {@link #close}, and by the server when
 * that connection drops).
 */
public final class StoreLock implements AutoCloseable {

    /** "kaged" in ASCII: the advisory lock key all kaged processes agree on. */
    private static final long ADVISORY_KEY = 0x6b61676564L;

    private final AutoCloseable holder;
    private boolean closed;

    StoreLock(AutoCloseable holder) {
        this.holder = holder;
    }

    /** Takes the lock, or returns empty if another process (or this one) already holds it. */
    public static Optional<StoreLock> tryAcquire(StorageTarget target) {
        return target.engine() == Engine.SQLITE ? fileLock(target.sqliteFile()) : advisoryLock(target);
    }

    /** The lock file of a SQLite store. */
    public static Path lockFile(Path database) {
        return database.resolveSibling(database.getFileName() + ".lock");
    }

    private static Optional<StoreLock> fileLock(Path database) {
        Path lockFile = lockFile(database);
        try {
            PrivateFolders.create(lockFile.getParent());
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            FileLock held = lock;
            return Optional.of(new StoreLock(() -> {
                held.release();
                channel.close();
            }));
        } catch (IOException e) {
            throw new StorageConfigException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static Optional<StoreLock> advisoryLock(StorageTarget target) {
        Properties props = new Properties();
        if (target.username() != null) {
            props.setProperty("user", target.username());
        }
        if (target.password() != null) {
            props.setProperty("password", target.password());
        }
        props.setProperty("ApplicationName", "kaged-lock");
        try {
            Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_KEY + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    c.close();
                    return Optional.empty();
                }
            }
            return Optional.of(new StoreLock(() -> {
                // Unlocked here, not only by the connection's close: the server notices a closed
                // connection a moment later, and a daemon started at once on the store must not find
                // it still held.
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + ADVISORY_KEY + ")");
                } finally {
                    c.close();
                }
            }));
        } catch (SQLException e) {
            throw new StorageConfigException(
                    "cannot reach " + target.masked() + " to lock it: " + Store.rootMessage(e), e);
        }
    }

    /**
     * Releases the lock; later calls do nothing. Synchronized so that a second caller returns only once the
     * first has released it: the daemon's stop() and its termination callback both close, and stop()
     * returning promises that the store is free for the next daemon.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            holder.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release the store lock", e);
        }
    }
}
