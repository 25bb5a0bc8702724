package io.kaged.persistence.backup;

import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.PrivateFolders;
import io.kaged.persistence.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Consistent copies of a live store. SQLite: {@code VACUUM INTO}, one read transaction, so the copy is a
 * single point in time however hard the daemon writes, and it never blocks the writer (unlike the online
 * backup API, which restarts whenever another connection writes). PostgreSQL: {@code pg_dump}, which also
 * reads one snapshot. Every copy is made mode 0600, verified, and recorded in the audit log, whatever the
 * outcome. A copy that fails leaves nothing behind, and a disk that ran full is named ({@link DiskFull}).
 */
public final class BackupService {

    /**
     * Files SQLite keeps beside a database while it writes one: VACUUM INTO leaves its rollback journal
     * behind when the copy fails. Those that did not exist before a backup are removed with its copy.
     */
    private static final List<String> SIDECARS = List.of("-journal", "-wal", "-shm");

    private final Store store;
    private final BackupSettings settings;
    private final Clock clock;
    private final Progress progress;

    public BackupService(Store store, BackupSettings settings, Clock clock, Progress progress) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.progress = progress;
    }

    /** The file a backup goes to when no {@code --to} is given. */
    public Path defaultTarget() {
        String ext = store.engine() == Engine.SQLITE ? ".db" : ".dump";
        return settings.dir().resolve("kaged-" + Stamps.of(clock.instant()) + ext);
    }

    /**
     * Makes, verifies and records one backup. On any failure nothing is left at the target and the
     * exception's message is the one line to show; only a verified copy is ever called a backup.
     */
    public BackupResult backup(Path to, String actor) {
        Path target = (to != null ? to : defaultTarget()).toAbsolutePath().normalize();
        long start = System.nanoTime();
        refuseToOverwrite(target, actor);
        List<Path> sidecars = SIDECARS.stream()
                .map(suffix -> target.resolveSibling(target.getFileName() + suffix))
                .filter(p -> !Files.exists(p))
                .toList();
        BackupResult result;
        try {
            create(target);
            String verification = store.engine() == Engine.SQLITE ? sqlite(target) : postgres(target);
            result = new BackupResult(
                    target,
                    FileGrowthReporter.sizeOf(target),
                    Duration.ofNanos(System.nanoTime() - start),
                    verification);
        } catch (BackupException e) {
            BackupException failure = DiskFull.explain(e, target, store).orElse(e);
            deleteQuietly(target);
            sidecars.forEach(BackupService::deleteQuietly);
            throw recorded(failure, actor, target, "failed");
        }
        try {
            audit(actor, target, "ok", Sizes.human(result.bytes()) + "; " + result.verification());
        } catch (SQLException e) {
            throw new BackupException(
                    "the backup was made and verified at " + target + ", but its audit row could not be written: "
                            + e.getMessage(),
                    e);
        }
        return result;
    }

    private void refuseToOverwrite(Path target, String actor) {
        String refusal = null;
        if (store.engine() == Engine.SQLITE && target.equals(store.target().sqliteFile())) {
            refusal = "the backup cannot replace the store itself; choose another file with --to.";
        } else if (Files.exists(target)) {
            refusal = target + " already exists; choose another file with --to, or move it away.";
        }
        if (refusal != null) {
            throw recorded(new BackupException(refusal), actor, target, "refused");
        }
    }

    /**
     * Records a backup that was not made in the audit log and returns the failure to throw. If the row
     * cannot be written (on a full disk it often cannot) the line says that too.
     */
    private BackupException recorded(BackupException failure, String actor, Path target, String outcome) {
        try {
            audit(actor, target, outcome, failure.getMessage());
            return failure;
        } catch (SQLException e) {
            BackupException both = new BackupException(
                    failure.getMessage().replaceFirst("\\.$", "") + "; its audit row could not be written either: "
                            + e.getMessage(),
                    failure.getCause() != null ? failure.getCause() : failure);
            both.addSuppressed(e);
            return both;
        }
    }

    /** Creates the empty 0600 file the copy goes into, so the copy is never readable by others. */
    private static void create(Path target) {
        try {
            PrivateFolders.create(target.getParent());
            Files.createFile(
                    target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new BackupException("cannot create " + target + ": " + e.getMessage(), e);
        }
    }

    private String sqlite(Path target) {
        long expected = FileGrowthReporter.sizeOf(store.target().sqliteFile());
        progress.report("Copying " + store.target().sqliteFile() + " (" + Sizes.human(expected) + ") to " + target);
        // VACUUM INTO wants a new or empty file: the 0600 file made by prepare() is empty.
        try (FileGrowthReporter ignored = new FileGrowthReporter(target, expected, progress)) {
            store.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("VACUUM INTO '" + target.toString().replace("'", "''") + "'");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new BackupException("SQLite could not copy the store: " + e.getMessage(), e);
        }
        progress.report("Verifying the copy (integrity check)");
        return verifySqlite(target);
    }

    /** Runs SQLite's integrity check on a copy and counts its events; fails if anything is wrong. */
    static String verifySqlite(Path file) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement()) {
            String integrity;
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                integrity = rs.getString(1);
            }
            if (!"ok".equals(integrity)) {
                throw new BackupException(file + " failed SQLite's integrity check: " + integrity);
            }
            long events;
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM journal")) {
                rs.next();
                events = rs.getLong(1);
            }
            return "integrity check ok, " + events + " events";
        } catch (SQLException e) {
            throw new BackupException(file + " is not a readable kaged store: " + e.getMessage(), e);
        }
    }

    private String postgres(Path target) {
        String pgDump = ExternalTool.locate(settings.pgDump(), "kaged.backup.pg-dump");
        progress.report("Dumping " + store.target().masked() + " with pg_dump to " + target);
        try (FileGrowthReporter ignored = new FileGrowthReporter(target, 0, progress)) {
            ExternalTool.run(
                    List.of(
                            pgDump,
                            "--format=custom",
                            "--no-owner",
                            "--file=" + target,
                            "--dbname=" + store.target().libpqUrl()),
                    store.target().password(),
                    progress);
        }
        progress.report("Verifying the dump (pg_restore --list)");
        return verifyPostgresDump(target, settings);
    }

    static String verifyPostgresDump(Path file, BackupSettings settings) {
        String pgRestore = ExternalTool.locate(settings.pgRestore(), "kaged.backup.pg-restore");
        List<String> entries = new java.util.ArrayList<>();
        ExternalTool.run(List.of(pgRestore, "--list", file.toString()), null, entries::add);
        long tables = entries.stream().filter(l -> l.contains(" TABLE DATA ")).count();
        if (entries.stream().noneMatch(l -> l.contains(" TABLE DATA ") && l.contains(" journal "))) {
            throw new BackupException(file + " is a PostgreSQL dump but holds no kaged journal.");
        }
        return "archive readable, " + tables + " tables";
    }

    private void audit(String actor, Path target, String outcome, String detail) throws SQLException {
        store.inTransaction(
                c -> new AuditLog(clock).append(c, actor, "backup.create", target.toString(), outcome, detail));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to do: the error that led here is what the operator must see
        }
    }
}
