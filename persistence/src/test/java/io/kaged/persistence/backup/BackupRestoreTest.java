package io.kaged.persistence.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreLock;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackupRestoreTest {

    private static final int GROUP = 10;

    @TempDir
    Path home;

    private final List<String> progress = new CopyOnWriteArrayList<>();

    private Config config(TestEngine engine) {
        return TestSystems.config(TestDatabases.newStoreUrl(engine, home), home);
    }

    private BackupService backups(Store store, Config config) {
        return new BackupService(
                store, BackupSettings.fromConfig(config, store.settings().home()), Clock.systemUTC(), progress::add);
    }

    private RestoreService restores(Config config) {
        StorageSettings s = StorageSettings.fromConfig(config, Map.of());
        return new RestoreService(s, BackupSettings.fromConfig(config, s.home()), Clock.systemUTC(), progress::add);
    }

    /** Inserts events in transactions of {@link #GROUP} rows until stopped; returns the writer thread. */
    private static Thread writeGroupsUntil(Store store, AtomicBoolean stop, AtomicLong groups) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try {
                    insertGroup(store, groups.get());
                    groups.incrementAndGet();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        t.start();
        return t;
    }

    private static void insertGroup(Store store, long group) throws SQLException {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal (persistence_id, sequence_nr,"
                    + " writer_uuid, write_timestamp, event_manifest, ser_id, ser_manifest, payload)"
                    + " VALUES (?, ?, 'w', 0, '', 1, '', ?)")) {
                for (int i = 0; i < GROUP; i++) {
                    ps.setString(1, "b");
                    ps.setLong(2, group * GROUP + i + 1);
                    ps.setBytes(3, new byte[200]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static long events(Store store) throws SQLException {
        return store.withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM journal")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void backsUpConsistentlyWhileWritersWriteAndRestoresIntoAnotherStore(TestEngine engine) throws Exception {
        Config source = config(engine);
        Path file = home.resolve("out").resolve(engine == TestEngine.SQLITE ? "copy.db" : "copy.dump");
        BackupResult result;
        try (Store store = Store.open(StorageSettings.fromConfig(source, Map.of()))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong groups = new AtomicLong();
            Thread writer = writeGroupsUntil(store, stop, groups);
            while (groups.get() < 50) {
                Thread.sleep(5);
            }
            try {
                result = backups(store, source).backup(file, "test");
            } finally {
                stop.set(true);
                writer.join();
            }
            assertEquals(file, result.file());
            assertEquals(Files.size(file), result.bytes());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            // The backup made the folder it writes into: only kaged's user may list it.
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            AuditEntry audit = store.withConnection(c -> AuditLog.latest(c, "backup.create", 1))
                    .get(0);
            assertEquals("ok", audit.outcome());
            assertEquals(file.toString(), audit.subject());
        }
        Config target = config(engine);
        RestoreService.Result restored = restores(target).restore(file, "test");
        assertEquals(file, restored.restoredFrom());
        try (Store copy = Store.open(StorageSettings.fromConfig(target, Map.of()))) {
            long copied = events(copy);
            assertTrue(copied >= 50 * GROUP, "copied " + copied);
            assertEquals(0, copied % GROUP, "a backup must hold whole transactions only, got " + copied);
            assertEquals(
                    "ok",
                    copy.withConnection(c -> AuditLog.latest(c, "backup.restore", 1))
                            .get(0)
                            .outcome());
        }
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("Verifying")), progress.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void restoreRefusesWhileTheStoreIsHeldAndChangesNothing(TestEngine engine) throws Exception {
        Config config = config(engine);
        Path file = home.resolve(engine == TestEngine.SQLITE ? "held.db" : "held.dump");
        StorageSettings settings = StorageSettings.fromConfig(config, Map.of());
        try (Store store = Store.open(settings)) {
            backups(store, config).backup(file, "test");
        }
        try (StoreLock daemon = StoreLock.tryAcquire(settings.target()).orElseThrow()) {
            var e = assertThrows(BackupException.class, () -> restores(config).restore(file, "test"));
            assertTrue(e.getMessage().contains("held by a running kaged daemon"), e.getMessage());
        }
        try (Store store = Store.open(settings)) {
            assertEquals(
                    0,
                    store.withConnection(c -> AuditLog.latest(c, "backup.restore", 1))
                            .size());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void restoreChecksTheFileFirstAndRefusesGarbage(TestEngine engine) throws Exception {
        Config config = config(engine);
        Path garbage = home.resolve("garbage.bin");
        Files.write(garbage, "this is not a backup".repeat(100).getBytes());
        assertThrows(BackupException.class, () -> restores(config).restore(garbage, "test"));
        assertThrows(BackupException.class, () -> restores(config).restore(home.resolve("missing"), "test"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void backupRefusesToOverwriteAFileAndRecordsTheRefusal(TestEngine engine) throws Exception {
        Config config = config(engine);
        Path existing = home.resolve("exists.db");
        Files.writeString(existing, "precious");
        try (Store store = Store.open(StorageSettings.fromConfig(config, Map.of()))) {
            var e = assertThrows(
                    BackupException.class, () -> backups(store, config).backup(existing, "test"));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
            assertEquals("precious", Files.readString(existing));
            assertEquals(
                    "refused",
                    store.withConnection(c -> AuditLog.latest(c, "backup.create", 1))
                            .get(0)
                            .outcome());
        }
    }

    @org.junit.jupiter.api.Test
    void sqliteRestoreKeepsTheOldStoreAside() throws Exception {
        Config config = config(TestEngine.SQLITE);
        StorageSettings settings = StorageSettings.fromConfig(config, Map.of());
        Path file = home.resolve("aside.db");
        try (Store store = Store.open(settings)) {
            backups(store, config).backup(file, "test");
            for (int g = 0; g < 3; g++) {
                insertGroup(store, g);
            }
        }
        RestoreService.Result r = restores(config).restore(file, "test");
        Path aside = Path.of(r.keptAside());
        assertTrue(Files.isRegularFile(aside), r.keptAside());
        assertTrue(BackupService.verifySqlite(aside).contains(3 * GROUP + " events"));
        try (Store store = Store.open(settings)) {
            assertEquals(0, events(store));
        }
    }

    @org.junit.jupiter.api.Test
    void postgresBackupWithoutPgDumpSaysWhatToInstall() throws Exception {
        Config config = com.typesafe.config.ConfigFactory.parseString("kaged.backup.pg-dump = \"/nonexistent/pg_dump\"")
                .withFallback(config(TestEngine.POSTGRESQL));
        try (Store store = Store.open(StorageSettings.fromConfig(config, Map.of()))) {
            var e = assertThrows(
                    BackupException.class, () -> backups(store, config).backup(null, "test"));
            assertTrue(e.getMessage().contains("apt-get install postgresql-client"), e.getMessage());
            assertEquals(
                    "failed",
                    store.withConnection(c -> AuditLog.latest(c, "backup.create", 1))
                            .get(0)
                            .outcome());
        }
    }
}
