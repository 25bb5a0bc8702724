package io.kaged.persistence.store;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store takes writes: a write that fails because of the store itself (a full disk, an I/O
 * error, a read-only file, a server gone) marks it faulted, with a sentence naming the cause and where;
 * the next write that succeeds clears it. While it is faulted, a probe rewrites one row every second, so
 * the store is found writable again when the cause goes away even if every request is refused meanwhile.
 * A failure of the write itself (a duplicate key, a refused constraint) says nothing about the store.
 */
public final class StoreHealth implements AutoCloseable {

    /** What kind of fault: a full disk is answered 507, anything else 503. */
    public enum Kind {
        DISK_FULL,
        UNAVAILABLE
    }

    public record Fault(Kind kind, String reason) {}

    /** A probe that rewrites one row, after making room for new pages when asked; it fails while the fault lasts. */
    @FunctionalInterface
    interface Probe {
        void write(boolean needRoom) throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(StoreHealth.class);
    private static final long PROBE_EVERY_MS = 1000;
    /** Free bytes a full disk needs again before writes are taken: a few pages and log frames. */
    static final long MIN_ROOM = 1024 * 1024;

    private final StorageTarget target;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Fault>> nextFault =
            new AtomicReference<>(new CompletableFuture<>());
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kaged-store-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile Probe probe;

    StoreHealth(StorageTarget target) {
        this.target = target;
    }

    void probeWith(Probe probe) {
        this.probe = probe;
    }

    /** The fault now, if the store does not take writes. */
    public Optional<Fault> fault() {
        return Optional.ofNullable(fault.get());
    }

    /** Completes with the next fault (at once if there is one now). */
    public CompletionStage<Fault> whenFaulted() {
        return nextFault.get();
    }

    /** A write failed with {@code failure}: a fault if the store caused it. */
    public void writeFailed(Throwable failure) {
        Optional<Fault> found = classify(failure);
        if (found.isEmpty()) {
            return;
        }
        Fault f = found.get();
        if (fault.getAndSet(f) == null) {
            log.warn("The store does not take writes: {}; kaged refuses writes until it does", f.reason());
            prober.schedule(this::probe, PROBE_EVERY_MS, TimeUnit.MILLISECONDS);
        }
        nextFault.get().complete(f);
    }

    /**
     * A write succeeded: the store takes writes. Not yet after a full disk while the disk has less than
     * {@link #MIN_ROOM} free: SQLite still fits some writes into pages and log it already has, and a store
     * that flapped between refusing and taking writes would be worse than one that waits for room. Nor
     * while the disk holding a SQLite store is read-only.
     */
    public void wrote() {
        wrote(false);
    }

    /**
     * As {@link #wrote()}; {@code probed} when the write was the probe's. A PostgreSQL server whose disk is
     * full still takes writes that fit into pages its tables already have, and kaged cannot ask it how much
     * room is left: there only the probe, which first makes a megabyte of new pages, says the disk has room.
     */
    private void wrote(boolean probed) {
        Fault was = fault.get();
        if (was != null && was.kind() == Kind.DISK_FULL && target.file().isEmpty() && !probed) {
            return;
        }
        if (was != null && was.kind() == Kind.DISK_FULL && usable().orElse(Long.MAX_VALUE) < MIN_ROOM) {
            return;
        }
        // A transaction that changed no page commits without touching the file, so on a read-only disk it
        // succeeds and says nothing: the disk must take a file again first.
        if (was != null && was.kind() == Kind.UNAVAILABLE && readOnlyDisk().isPresent()) {
            return;
        }
        if (was != null && fault.compareAndSet(was, null)) {
            nextFault.set(new CompletableFuture<>());
            log.info("The store takes writes again (it did not: {})", was.reason());
        }
    }

    private void probe() {
        if (fault.get() == null || probe == null) {
            return;
        }
        try {
            Fault now = fault.get();
            probe.write(
                    now != null && now.kind() == Kind.DISK_FULL && target.file().isEmpty());
            wrote(true);
        } catch (SQLException | RuntimeException e) {
            writeFailed(e);
            if (fault.get() != null) {
                prober.schedule(this::probe, PROBE_EVERY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * The probe's write: one row rewritten, in the caller's transaction. With {@code needRoom} (PostgreSQL),
     * first a megabyte of new pages in a temporary table, which the server must extend its files for (in
     * the database's tablespace) and which goes with the transaction: it fails with 53100 while the disk has
     * not that much room.
     */
    static int probeWrite(java.sql.Connection c, boolean needRoom) throws SQLException {
        if (needRoom) {
            try (var st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE kaged_probe_room (n integer) ON COMMIT DROP");
                st.execute("INSERT INTO kaged_probe_room SELECT g FROM generate_series(1, 30000) g");
            }
        }
        try (var st = c.prepareStatement("UPDATE store_probe SET probed_at = ? WHERE id = 1")) {
            st.setLong(1, System.currentTimeMillis());
            return st.executeUpdate();
        }
    }

    /**
     * The store's own fault in {@code failure}, if it is one: what a caller answers when a write (or a
     * read) failed, rather than a failure of its own.
     */
    public Optional<Fault> faultIn(Throwable failure) {
        return classify(failure);
    }

    /** The store's own fault in {@code failure}, if it is one. */
    Optional<Fault> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof WriteRefused refused) {
                return Optional.of(refused.fault());
            }
            if (t instanceof SQLTransientConnectionException) {
                return Optional.of(unavailable("no connection to it: " + firstLine(t.getMessage())));
            }
            if (!(t instanceof SQLException e)) {
                continue;
            }
            String message = String.valueOf(e.getMessage());
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (message.contains("SQLITE_FULL") || state.equals("53100")) {
                return Optional.of(new Fault(Kind.DISK_FULL, diskFull()));
            }
            if (message.contains("SQLITE_IOERR")
                    || message.contains("SQLITE_READONLY")
                    || message.contains("SQLITE_CANTOPEN")
                    || state.startsWith("08")
                    || state.startsWith("57P")) {
                return Optional.of(unavailable(readOnlyDisk()
                        .map(ro -> ro + " (" + firstLine(message) + ")")
                        .orElse(firstLine(message))));
            }
        }
        return Optional.empty();
    }

    private Fault unavailable(String why) {
        return new Fault(Kind.UNAVAILABLE, "the store " + target.masked() + " cannot take writes: " + why);
    }

    /** Free bytes on the disk holding a SQLite store; empty on PostgreSQL. */
    private Optional<Long> usable() {
        Optional<Path> file = target.file();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    Files.getFileStore(file.get().toAbsolutePath().getParent()).getUsableSpace());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * "the file system holding … is read-only" when that is why SQLite's write failed: SQLite answers a
     * write onto a file system the kernel made read-only (after an I/O error) as SQLITE_IOERR_WRITE, which
     * does not tell the operator what to repair. The mount options do not always say it either (Linux 6
     * marks such a mount {@code emergency_ro}, not {@code ro}), so a file is created beside the store and
     * the error the kernel gives is the answer. Empty on PostgreSQL or on a disk that takes the file.
     */
    private Optional<String> readOnlyDisk() {
        Optional<Path> file = target.file();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path folder = file.get().toAbsolutePath().getParent();
        try {
            Files.delete(Files.createTempFile(folder, ".kaged-probe", ".tmp"));
            return Optional.empty();
        } catch (FileSystemException e) {
            return "Read-only file system".equals(e.getReason())
                    ? Optional.of("the file system holding " + folder + " is read-only")
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String diskFull() {
        Optional<Path> file = target.file();
        if (file.isEmpty()) {
            return "the disk of the PostgreSQL server " + target.masked() + " is full";
        }
        Path folder = file.get().toAbsolutePath().getParent();
        try {
            return "the disk holding " + file.get() + " has "
                    + Files.getFileStore(folder).getUsableSpace() + " bytes free";
        } catch (IOException e) {
            return "the disk holding " + file.get() + " is full";
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no reason given";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
