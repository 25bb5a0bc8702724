package io.kaged.persistence.backup;

import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.PrivateFolders;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Replaces a store with a backup, safely: refuses while a daemon holds the store (and holds the store
 * lock itself so none can start meanwhile), checks the backup before touching anything, keeps the old
 * store aside, then migrates the restored store to this version's schema and records the restore in it.
 */
public final class RestoreService {

    /** What a restore did. */
    public record Result(Path restoredFrom, String keptAside, String verification) {}

    private final StorageSettings storage;
    private final BackupSettings settings;
    private final Clock clock;
    private final Progress progress;

    public RestoreService(StorageSettings storage, BackupSettings settings, Clock clock, Progress progress) {
        this.storage = storage;
        this.settings = settings;
        this.clock = clock;
        this.progress = progress;
    }

    public Result restore(Path backup, String actor) {
        Path file = backup.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BackupException(file + " is not a readable file.");
        }
        progress.report("Checking " + file);
        String verification = storage.target().engine() == Engine.SQLITE
                ? BackupService.verifySqlite(file)
                : BackupService.verifyPostgresDump(file, settings);
        progress.report("  " + verification);
        Optional<StoreLock> lock = StoreLock.tryAcquire(storage.target());
        if (lock.isEmpty()) {
            throw new BackupException("the store at " + storage.target().masked() + " is held by a running kaged"
                    + " daemon; stop it first (for example: systemctl --user stop kaged), then restore.");
        }
        try (StoreLock held = lock.get()) {
            String aside = storage.target().engine() == Engine.SQLITE ? replaceSqlite(file) : replacePostgres(file);
            try (Store store = Store.open(storage)) {
                store.inTransaction(c -> new AuditLog(clock)
                        .append(c, actor, "backup.restore", file.toString(), "ok", "previous store kept at " + aside));
            } catch (SQLException e) {
                throw new BackupException("restored, but the audit row could not be written: " + e.getMessage(), e);
            }
            return new Result(file, aside, verification);
        }
    }

    private String replaceSqlite(Path backup) {
        Path db = storage.target().sqliteFile();
        Path aside = db.resolveSibling(db.getFileName() + ".before-restore-" + Stamps.of(clock.instant()));
        try {
            if (Files.exists(db)) {
                checkpoint(db);
                progress.report("Keeping the current store aside at " + aside);
                Files.move(db, aside);
                for (String suffix : List.of("-wal", "-shm")) {
                    Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
                }
            }
            PrivateFolders.create(db.getParent());
            progress.report("Copying " + backup + " to " + db);
            Files.copy(backup, db, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
            return Files.exists(aside) ? aside.toString() : "(there was no previous store)";
        } catch (IOException e) {
            throw new BackupException(
                    "could not put the backup in place: " + e.getMessage()
                            + (Files.exists(aside) ? "; the previous store is at " + aside : ""),
                    e);
        }
    }

    /** Folds the WAL into the main file, so the file moved aside is the whole store. */
    private static void checkpoint(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            throw new BackupException("cannot checkpoint " + db + " before keeping it aside: " + e.getMessage(), e);
        }
    }

    private String replacePostgres(Path backup) {
        Path aside = settings.dir().resolve("kaged-before-restore-" + Stamps.of(clock.instant()) + ".dump");
        try (Store current = Store.open(storage)) {
            progress.report("Keeping the current store aside: dumping it to " + aside);
            new BackupService(current, settings, clock, progress).backup(aside, "restore");
        }
        String pgRestore = ExternalTool.locate(settings.pgRestore(), "kaged.backup.pg-restore");
        progress.report("Restoring " + backup + " into " + storage.target().masked());
        ExternalTool.run(
                List.of(
                        pgRestore,
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--single-transaction",
                        "--dbname=" + storage.target().libpqUrl(),
                        backup.toString()),
                storage.target().password(),
                progress);
        return aside.toString();
    }
}
