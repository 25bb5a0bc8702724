package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.Eventually;
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
