package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.ReadOnlyDisk;
import io.kaged.persistence.testing.SmallDisk;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transactions that fail at the database's end, not in kaged's code: the store reports the database's
 * own error, records nothing of the failed transaction, and goes on taking writes on the same pool.
 */
class StoreFaultTest {

    @TempDir
    Path home;

    private static final byte[] MIB = new byte[1024 * 1024];

    /**
     * SQLite rolls a transaction back by itself after SQLITE_FULL or SQLITE_IOERR. The failure must be
     * that error, not a later "cannot commit - no transaction is active" from committing the transaction
     * that no longer exists; and once there is room again the same store writes, through the same lane.
     */
    @Test
    void aWriteOntoAFullDiskFailsWithTheDiskErrorAndTheStoreWritesAgainOnceThereIsRoom() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(home, 16L * 1024 * 1024)) {
            StorageSettings settings = StorageSettings.fromConfig(
                    TestSystems.config("sqlite://" + disk.path().resolve("kaged.db"), home), Map.of());
            try (Store store = Store.open(settings)) {
                createBlobs(store);
                disk.fill();
                ExecutionException full =
                        assertThrows(ExecutionException.class, () -> store.write("k", c -> insertBlobs(c, 3))
                                .get(30, TimeUnit.SECONDS));
                String failure = trace(full.getCause());
                assertTrue(failure.contains("SQLITE_FULL"), failure);
                assertFalse(failure.contains("no transaction is active"), failure);
                SQLException direct =
                        assertThrows(SQLException.class, () -> store.inTransaction(c -> insertBlobs(c, 3)));
                assertTrue(trace(direct).contains("SQLITE_FULL"), trace(direct));
                assertFalse(trace(direct).contains("no transaction is active"), trace(direct));

                // while the store is faulted, a write on a lane is refused without being tried
                ExecutionException refused =
                        assertThrows(ExecutionException.class, () -> store.write("k", c -> insertBlobs(c, 1))
                                .get(30, TimeUnit.SECONDS));
                assertTrue(refused.getCause() instanceof WriteRefused, trace(refused.getCause()));
                assertEquals(
                        StoreHealth.Kind.DISK_FULL,
                        ((WriteRefused) refused.getCause()).fault().kind());

                disk.free();
                Eventually.waitFor(Duration.ofSeconds(10), "the probe finds room again", () -> store.health()
                        .fault()
                        .isEmpty());
                // More transactions than the pool has connections: none of them was left broken.
                for (int i = 0; i < settings.poolSize() + 2; i++) {
                    store.write("k", c -> insertBlobs(c, 1)).get(30, TimeUnit.SECONDS);
                }
                assertEquals(settings.poolSize() + 2, blobs(store), "nothing of the failed transactions is stored");
                assertEquals("ok", integrity(store));
            }
        }
    }

    /**
     * The disk under a SQLite store turns read-only (the kernel met an I/O error): the write fails with
     * SQLite's own error, the store is faulted as unavailable (not a full disk) with the store's path in
     * the reason, a write on a lane is refused without being tried, the probe keeps the fault while the
     * disk stays read-only, and reads go on. Once the disk is repaired the store opens and writes again,
     * with every commit synced before the fault.
     */
    @Test
    void aDiskTurnedReadOnlyFaultsTheStoreAsUnavailableAndReadsGoOn() throws Exception {
        try (ReadOnlyDisk disk = ReadOnlyDisk.mount(home, 64L * 1024 * 1024)) {
            Path file = disk.path().resolve("kaged.db");
            StorageSettings settings =
                    StorageSettings.fromConfig(TestSystems.config("sqlite://" + file, home), Map.of());
            try (Store store = Store.open(settings)) {
                createBlobs(store);
                store.write("k", c -> insertBlobs(c, 1)).get(30, TimeUnit.SECONDS);
                // The file system aborts its journal: what was not synced is lost, as on a power loss. With
                // synchronous = NORMAL that is at most checkpoint.sync-every (1 s); wait past it.
                Thread.sleep(3000);
                disk.failReadOnly();
                ExecutionException failed =
                        assertThrows(ExecutionException.class, () -> store.write("k", c -> insertBlobs(c, 1))
                                .get(30, TimeUnit.SECONDS));
                String failure = trace(failed.getCause());
                assertTrue(failure.contains("SQLITE_IOERR") || failure.contains("SQLITE_READONLY"), failure);
                StoreHealth.Fault fault = store.health().fault().orElseThrow();
                assertEquals(StoreHealth.Kind.UNAVAILABLE, fault.kind(), fault.reason());
                assertTrue(fault.reason().contains(file.toString()), fault.reason());
                assertTrue(
                        fault.reason().contains("the file system holding " + disk.path() + " is read-only"),
                        fault.reason());

                ExecutionException refused =
                        assertThrows(ExecutionException.class, () -> store.write("k", c -> insertBlobs(c, 1))
                                .get(30, TimeUnit.SECONDS));
                assertTrue(refused.getCause() instanceof WriteRefused, trace(refused.getCause()));
                // a transaction that changes nothing commits without touching the file: it proves nothing
                long counted = store.inTransaction(c -> {
                    try (Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM fault_blobs")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
                assertEquals(1, counted);
                assertTrue(store.health().fault().isPresent(), "a write of nothing does not clear a read-only disk");
                Thread.sleep(2500);
                assertTrue(store.health().fault().isPresent(), "the probe does not clear a read-only disk");
                assertEquals(1, blobs(store), "reads go on, and nothing of the failed write is stored");
            }
            disk.repair();
            try (Store store = Store.open(settings)) {
                store.write("k", c -> insertBlobs(c, 1)).get(30, TimeUnit.SECONDS);
                assertEquals(2, blobs(store));
                assertEquals("ok", integrity(store));
            }
        }
    }

    /**
     * A commit the database refuses (a deferred foreign key, checked at COMMIT on both engines; SQLite then
     * keeps the transaction open): the refusal is the failure, nothing is stored, and every connection of
     * the pool still works.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aCommitTheDatabaseRefusesStoresNothingAndLeavesThePoolWorking(TestEngine engine) throws Exception {
        StorageSettings settings =
                StorageSettings.fromConfig(TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of());
        try (Store store = Store.open(settings)) {
            store.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE fault_parent (id INTEGER NOT NULL PRIMARY KEY)");
                    st.execute("CREATE TABLE fault_child (id INTEGER NOT NULL PRIMARY KEY, parent INTEGER"
                            + " REFERENCES fault_parent (id) DEFERRABLE INITIALLY DEFERRED)");
                }
                return null;
            });
            for (int i = 0; i < settings.poolSize() + 2; i++) {
                int id = i;
                SQLException refused = assertThrows(
                        SQLException.class,
                        () -> store.inTransaction(c -> {
                            try (Statement st = c.createStatement()) {
                                st.execute("INSERT INTO fault_child (id, parent) VALUES (" + id + ", 42)");
                            }
                            return null;
                        }));
                assertTrue(trace(refused).toLowerCase().contains("foreign key"), trace(refused));
                assertFalse(trace(refused).contains("no transaction is active"), trace(refused));
            }
            for (int i = 0; i < settings.poolSize() + 2; i++) {
                int id = 100 + i;
                store.write("k", c -> {
                            try (Statement st = c.createStatement()) {
                                st.execute("INSERT INTO fault_parent (id) VALUES (" + id + ")");
                                st.execute("INSERT INTO fault_child (id, parent) VALUES (" + id + ", " + id + ")");
                            }
                            return null;
                        })
                        .get(30, TimeUnit.SECONDS);
            }
            assertEquals(settings.poolSize() + 2, count(store, "SELECT COUNT(*) FROM fault_child"));
        }
    }

    private static void createBlobs(Store store) throws SQLException {
        store.inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE fault_blobs (id INTEGER NOT NULL PRIMARY KEY, data BLOB NOT NULL)");
            }
            return null;
        });
    }

    private static Void insertBlobs(java.sql.Connection c, int mib) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fault_blobs (data) VALUES (?)")) {
            byte[] data = new byte[mib * MIB.length];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 131 + mib);
            }
            ps.setBytes(1, data);
            ps.executeUpdate();
        }
        return null;
    }

    private static long blobs(Store store) throws SQLException {
        return count(store, "SELECT COUNT(*) FROM fault_blobs");
    }

    private static long count(Store store, String sql) throws SQLException {
        return store.withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String integrity(Store store) throws SQLException {
        return store.withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    /** The whole failure as printed, causes and suppressed ones included. */
    private static String trace(Throwable t) {
        Throwable shown = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        StringWriter out = new StringWriter();
        shown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
