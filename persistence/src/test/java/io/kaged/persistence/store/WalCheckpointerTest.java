package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background checkpoint of SQLite's write-ahead log. SQLite only: PostgreSQL has no such log for
 * kaged to copy, and its store never starts a checkpointer (the engine-independent store tests cover it).
 */
class WalCheckpointerTest {

    private static final int ROW_BYTES = 64 * 1024;
    private static final int ROWS = 512; // 32 MiB in all

    @TempDir
    Path home;

    private StorageSettings settings(String checkpoint) {
        return StorageSettings.fromConfig(
                ConfigFactory.parseString(checkpoint)
                        .withFallback(TestSystems.config("sqlite://" + home.resolve("kaged.db"), home)),
                Map.of());
    }

    /**
     * The bound holds whatever the machine's speed: the background thread copies when it gets to it, and a
     * write that finds the log past hold-writes-after waits on the lane until it has started over. On a
     * loaded machine the background copy alone let this log reach 30 MB.
     */
    @Test
    void theLogStaysBoundedWhileCommitsNeverCheckpointThemselves() throws Exception {
        StorageSettings s = settings("kaged.storage.sqlite.checkpoint { background = on, passive-after = 64KiB,"
                + " restart-after = 512KiB, hold-writes-after = 1MiB, interval = 10ms }");
        Path wal = Path.of(home.resolve("kaged.db") + "-wal");
        long largest = 0;
        try (Store store = Store.open(s)) {
            assertEquals("0", store.withConnection(c -> single(c.createStatement(), "PRAGMA wal_autocheckpoint")));
            createProbe(store, "wal_probe");
            for (int i = 0; i < ROWS; i++) {
                insertRows(store, "wal_probe", i, i + 1);
                largest = Math.max(largest, Files.exists(wal) ? Files.size(wal) : 0);
            }
            WalCheckpointer checkpointer = store.checkpointer();
            assertTrue(
                    checkpointer.restarts() + checkpointer.holds() > 0,
                    "the log started over: " + checkpointer.restarts() + " restarts, " + checkpointer.holds()
                            + " holds");
        }
        // Without the checkpointer the log would hold all 32 MiB. The lane checks before each write, so the
        // log passes the bound by at most the one write after the check (64 KiB of row in 1 KiB pages).
        assertTrue(largest < 1024 * 1024 + 2 * ROW_BYTES, "largest log: " + largest + " bytes");
        try (Store reopened = Store.open(s)) {
            assertEquals(
                    String.valueOf(ROWS),
                    reopened.withConnection(c -> single(c.createStatement(), "SELECT COUNT(*) FROM wal_probe")));
        }
    }

    /**
     * A reader that keeps an old snapshot (a backup's long read) keeps the log from starting over: writes
     * past the bound are held only briefly and go on, each further hold coming another hold-writes-after
     * later; once the reader is gone the log starts over and is bounded again.
     */
    @Test
    void aReaderThatKeepsTheLogDoesNotStallWrites() throws Exception {
        StorageSettings s = settings("kaged.storage.sqlite.checkpoint { background = on, passive-after = 64KiB,"
                + " restart-after = 512KiB, hold-writes-after = 1MiB, interval = 10ms }");
        Path wal = Path.of(home.resolve("kaged.db") + "-wal");
        try (Store store = Store.open(s)) {
            createProbe(store, "read_probe");
            insertRows(store, "read_probe", 0, 1);
            WalCheckpointer checkpointer = store.checkpointer();
            try (var reader = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("kaged.db"))) {
                reader.setAutoCommit(false);
                assertEquals("1", single(reader.createStatement(), "SELECT COUNT(*) FROM read_probe"));
                insertRows(store, "read_probe", 1, 48); // 3 MiB while the reader keeps its snapshot
                assertTrue(checkpointer.holdsGivenUp() >= 1, "holds given up: " + checkpointer.holdsGivenUp());
                // One hold per further MiB at most, not one per write.
                assertTrue(checkpointer.holdsGivenUp() <= 3, "holds given up: " + checkpointer.holdsGivenUp());
                assertEquals(0, checkpointer.holds());
                reader.rollback();
            }
            long largest = 0;
            for (int i = 48; i < 112; i++) {
                insertRows(store, "read_probe", i, i + 1);
                if (i >= 64) { // by then a restart has cut the file back, and the bound is armed again
                    largest = Math.max(largest, Files.size(wal));
                }
            }
            assertTrue(largest < 1024 * 1024 + 2 * ROW_BYTES, "largest log after the reader left: " + largest);
            assertEquals(
                    "112", store.withConnection(c -> single(c.createStatement(), "SELECT COUNT(*) FROM read_probe")));
        }
    }

    private static void createProbe(Store store, String table) throws Exception {
        store.inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            }
            return null;
        });
    }

    /** Rows {@code from} to {@code to - 1} of 64 KiB each, one write and one commit at a time, as the lane does. */
    private static void insertRows(Store store, String table, int from, int to) {
        for (int i = from; i < to; i++) {
            int id = i;
            store.write("probe", c -> {
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                            ps.setInt(1, id);
                            ps.setBytes(2, new byte[ROW_BYTES]);
                            return ps.executeUpdate();
                        }
                    })
                    .join();
        }
    }

    /**
     * After a burst of writes has made the log start over, an idle store runs no more restarts: each one
     * would hold every writer, and the log file, kept at its size on disk, is not the log's content.
     */
    @Test
    void anIdleStoreRunsNoRestartCheckpoints() throws Exception {
        StorageSettings s = settings("kaged.storage.sqlite.checkpoint {"
                + " background = on, passive-after = 64KiB, restart-after = 512KiB, interval = 10ms }");
        try (Store store = Store.open(s)) {
            createProbe(store, "idle_probe");
            insertRows(store, "idle_probe", 0, 64); // 4 MiB: several restarts
            WalCheckpointer checkpointer = store.checkpointer();
            Eventually.waitFor(java.time.Duration.ofSeconds(10), "a restart", () -> checkpointer.restarts() > 0);
            Thread.sleep(200); // whatever was under way settles
            long settled = checkpointer.restarts();
            Thread.sleep(500); // 50 ticks with nothing written
            assertEquals(settled, checkpointer.restarts(), "restart checkpoints while idle");
        }
    }

    /**
     * With synchronous = NORMAL a commit is only synced by a checkpoint. A small one, far below
     * passive-after, still reaches the database file itself within sync-every: read with {@code
     * immutable=1}, SQLite looks at that file alone, never at the log.
     */
    @Test
    void aSmallCommitIsCheckpointedWithinSyncEvery() throws Exception {
        StorageSettings s = settings("kaged.storage.sqlite.synchronous = NORMAL\n"
                + "kaged.storage.sqlite.checkpoint { background = on, interval = 10ms, sync-every = 200ms }");
        try (Store store = Store.open(s)) {
            store.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE sync_probe (id INTEGER PRIMARY KEY)");
                    st.execute("INSERT INTO sync_probe (id) VALUES (42)");
                }
                return null;
            });
            Eventually.waitFor(
                    java.time.Duration.ofSeconds(10), "the commit to be copied into the database file", () -> {
                        try (var c = java.sql.DriverManager.getConnection(
                                "jdbc:sqlite:file:" + home.resolve("kaged.db") + "?immutable=1")) {
                            return "42".equals(single(c.createStatement(), "SELECT id FROM sync_probe"));
                        }
                    });
        }
    }

    @Test
    void offLeavesTheCheckpointToSqlite() throws Exception {
        try (Store store = Store.open(settings("kaged.storage.sqlite.checkpoint.background = off"))) {
            assertEquals("1000", store.withConnection(c -> single(c.createStatement(), "PRAGMA wal_autocheckpoint")));
        }
    }

    @Test
    void refusesLimitsThatCannotWork() {
        var e = assertThrows(
                StorageConfigException.class,
                () -> settings("kaged.storage.sqlite.checkpoint { passive-after = 8MiB, restart-after = 4MiB }"));
        assertTrue(e.getMessage().contains("passive-after"), e.getMessage());
        var hold = assertThrows(
                StorageConfigException.class,
                () -> settings("kaged.storage.sqlite.checkpoint { restart-after = 64MiB, hold-writes-after = 64MiB }"));
        assertTrue(hold.getMessage().contains("hold-writes-after 67108864"), hold.getMessage());
    }

    private static String single(Statement st, String sql) throws java.sql.SQLException {
        try (st;
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
