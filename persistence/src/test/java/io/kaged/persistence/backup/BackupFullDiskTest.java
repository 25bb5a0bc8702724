package io.kaged.persistence.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.SmallDisk;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kaged backup} onto a disk that fills up, on a real tmpfs: one line that says which disk is full,
 * no partial file left, and never "the backup was made" without a verified copy.
 */
class BackupFullDiskTest {

    @TempDir
    Path home;

    /** More than the small disk holds, and incompressible, so that pg_dump's output cannot fit either. */
    private static final int STORE_BYTES = 3 * 1024 * 1024;

    private static BackupService backups(Store store, Config config) {
        return new BackupService(
                store, BackupSettings.fromConfig(config, store.settings().home()), Clock.systemUTC(), line -> {});
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aBackupOntoAFullDiskFailsInOneLineAndLeavesNoFile(TestEngine engine) throws Exception {
        Config config = TestSystems.config(TestDatabases.newStoreUrl(engine, home), home);
        try (Store store = Store.open(StorageSettings.fromConfig(config, Map.of()));
                SmallDisk disk = SmallDisk.mount(home, 1024 * 1024)) {
            fillStore(store);
            Path target = disk.path().resolve("backups").resolve(engine == TestEngine.SQLITE ? "k.db" : "k.dump");
            BackupException e = assertThrows(
                    BackupException.class, () -> backups(store, config).backup(target, "test"));
            assertOneLineSayingTheDiskIsFull(e, target.getParent());
            assertEquals(List.of(), filesUnder(disk.path()), "a partial copy was left behind");
            AuditEntry audit = store.withConnection(c -> AuditLog.latest(c, "backup.create", 1))
                    .get(0);
            assertEquals("failed", audit.outcome());
            assertEquals(e.getMessage(), audit.detail());

            // Once there is room, the same service makes the backup.
            Path elsewhere = home.resolve("roomy").resolve(target.getFileName());
            BackupResult made = backups(store, config).backup(elsewhere, "test");
            assertTrue(Files.size(made.file()) > 0);
        }
    }

    /**
     * The store and its default backup folder on one disk, which fills up: the case, where the
     * failed copy was reported as "the backup was made but its audit row could not be written: ...
     * cannot commit - no transaction is active". The audit row cannot be written either, and the line
     * says so, without claiming a backup.
     */
    @Test
    void aBackupBesideASqliteStoreOnAFullDiskSaysSoAndClaimsNoBackup() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(home, 8L * 1024 * 1024)) {
            Config config = TestSystems.config("sqlite://" + disk.path().resolve("kaged.db"), disk.path());
            try (Store store = Store.open(StorageSettings.fromConfig(config, Map.of()))) {
                fillStore(store);
                BackupService backups = backups(store, config);
                Path target = backups.defaultTarget();
                disk.fill();
                BackupException e = assertThrows(BackupException.class, () -> backups.backup(null, "test"));
                assertOneLineSayingTheDiskIsFull(e, target.getParent());
                assertFalse(Files.exists(target), "a partial copy was left behind");
                disk.free();
                // Deleting the partial copy may have made room for the audit row; either it is there, or
                // the line says it is missing.
                List<AuditEntry> audit = store.withConnection(c -> AuditLog.latest(c, "backup.create", 1));
                boolean recorded = !audit.isEmpty() && audit.get(0).outcome().equals("failed");
                assertEquals(
                        !recorded,
                        e.getMessage().contains("its audit row could not be written either"),
                        e.getMessage());
            }
        }
    }

    private static void assertOneLineSayingTheDiskIsFull(BackupException e, Path dir) {
        String line = e.getMessage();
        assertFalse(line.contains("\n"), "more than one line: " + line);
        assertTrue(line.startsWith("the disk holding " + dir + " is full"), line);
        assertTrue(line.contains("no backup was made"), line);
        assertFalse(line.contains("the backup was made"), line);
        assertFalse(line.contains("no transaction is active"), line);
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** Journal rows of random bytes, {@link #STORE_BYTES} in all. */
    private static void fillStore(Store store) throws SQLException {
        Random random = new Random(7);
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal (persistence_id, sequence_nr,"
                    + " writer_uuid, write_timestamp, event_manifest, ser_id, ser_manifest, payload)"
                    + " VALUES ('big', ?, 'w', 0, '', 1, '', ?)")) {
                for (int i = 0; i < STORE_BYTES / 16384; i++) {
                    byte[] payload = new byte[16384];
                    random.nextBytes(payload);
                    ps.setLong(1, i + 1);
                    ps.setBytes(2, payload);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
