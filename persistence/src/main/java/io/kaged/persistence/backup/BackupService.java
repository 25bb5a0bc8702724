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
 * outcome.
 */
public final class BackupService {

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

    public BackupResult backup(Path to, String actor) {
        Path target = (to != null ? to : defaultTarget()).toAbsolutePath().normalize();
        long start = System.nanoTime();
        refuseToOverwrite(target, actor);
        try {
            create(target);
            String verification = store.engine() == Engine.SQLITE ? sqlite(target) : postgres(target);
            BackupResult result = new BackupResult(
                    target,
                    FileGrowthReporter.sizeOf(target),
                    Duration.ofNanos(System.nanoTime() - start),
                    verification);
            audit(actor, target, "ok", Sizes.human(result.bytes()) + "; " + verification);
            return result;
        } catch (BackupException e) {
            deleteQuietly(target);
            audit(actor, target, "failed", e.getMessage());
            throw e;
        }
    }

    private void refuseToOverwrite(Path target, String actor) {
        String refusal = null;
        if (store.engine() == Engine.SQLITE && target.equals(store.target().sqliteFile())) {
            refusal = "the backup cannot replace the store itself; choose another file with --to.";
        } else if (Files.exists(target)) {
            refusal = target + " already exists; choose another file with --to, or move it away.";
        }
        if (refusal != null) {
            audit(actor, target, "refused", refusal);
            throw new BackupException(refusal);
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

    private void audit(String actor, Path target, String outcome, String detail) {
        try {
            store.inTransaction(
                    c -> new AuditLog(clock).append(c, actor, "backup.create", target.toString(), outcome, detail));
        } catch (SQLException e) {
            throw new BackupException(
                    "the backup was made but its audit row could not be written: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to do: the error that led here is what the operator must see
        }
    }
}
