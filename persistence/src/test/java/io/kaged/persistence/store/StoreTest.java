package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoreTest {

    @TempDir
    Path home;

    private StorageSettings settings(TestEngine engine) {
        return StorageSettings.fromConfig(TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void migratesOnFirstOpenAndNotAgain(TestEngine engine) throws Exception {
        StorageSettings s = settings(engine);
        try (Store store = Store.openUnmigrated(s)) {
            Migrations.Status before = store.migrations().status();
            assertEquals(List.of(), before.applied());
            assertTrue(before.pending().size() >= 1);
        }
        try (Store store = Store.open(s)) {
            Migrations.Status after = store.migrations().status();
            assertEquals(List.of(), after.pending());
            assertEquals("1", after.applied().get(0).version());
            assertEquals(after.applied().get(after.applied().size() - 1).version(), after.schemaVersion());
            List<String> tables = store.withConnection(c -> {
                var names = new java.util.ArrayList<String>();
                for (String t : List.of(
                        "journal",
                        "snapshot",
                        "sessions",
                        "runs",
                        "checkpoints",
                        "audit",
                        "transcripts",
                        "projects",
                        "prompt_versions",
                        "journal_deletions")) {
                    try (Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t)) {
                        rs.next();
                        names.add(t);
                    }
                }
                return names;
            });
            assertEquals(10, tables.size());
        }
        try (Store again = Store.open(s)) {
            assertEquals(0, again.migrations().migrate());
        }
    }

    @Test
    void createsTheSqliteFolderAndSetsWalForeignKeysBusyTimeoutAndMmap() throws Exception {
        Path nested = home.resolve("a/b/c/kaged.db");
        StorageSettings s = StorageSettings.fromConfig(TestSystems.config("sqlite://" + nested, home), Map.of());
        try (Store store = Store.open(s)) {
            assertTrue(Files.isRegularFile(nested));
            assertEquals(
                    "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
            assertEquals(
                    "rwx------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(nested.getParent())));
            assertEquals("wal", pragma(store, "journal_mode"));
            assertEquals("1", pragma(store, "foreign_keys"));
            assertEquals("10000", pragma(store, "busy_timeout"));
            assertEquals("1", pragma(store, "synchronous")); // NORMAL
            assertEquals(String.valueOf(1L << 30), pragma(store, "mmap_size"));
            assertEquals("1024", pragma(store, "page_size"));
            // The log file is cut back to where the checkpointer restarts it (64 MiB), not further.
            assertEquals(String.valueOf(64L << 20), pragma(store, "journal_size_limit"));
        }
    }

    @Test
    void theConfiguredPageSizeShapesNewStoresOnly() throws Exception {
        Path file = home.resolve("pages.db");
        var config = ConfigFactory.parseString("kaged.storage.sqlite.page-size = 8KiB")
                .withFallback(TestSystems.config("sqlite://" + file, home));
        try (Store store = Store.open(StorageSettings.fromConfig(config, Map.of()))) {
            assertEquals("8192", pragma(store, "page_size"));
            assertEquals("wal", pragma(store, "journal_mode"));
        }
        // Reopened with another size (the default, 1 KiB), the store keeps the one it was created with.
        try (Store store =
                Store.open(StorageSettings.fromConfig(TestSystems.config("sqlite://" + file, home), Map.of()))) {
            assertEquals("8192", pragma(store, "page_size"));
        }
    }

    @Test
    void refusesAPageSizeSqliteCannotUse() {
        var config = ConfigFactory.parseString("kaged.storage.sqlite.page-size = 3000")
                .withFallback(TestSystems.config("sqlite://" + home.resolve("x.db"), home));
        var e = assertThrows(StorageConfigException.class, () -> StorageSettings.fromConfig(config, Map.of()));
        assertTrue(e.getMessage().contains("page-size must be a power of two"), e.getMessage());
    }

    @Test
    void refusesAnUnreachablePostgresWithAMaskedMessage() {
        StorageSettings s = StorageSettings.fromConfig(
                ConfigFactory.parseString("kaged.storage.connection-timeout = 1s")
                        .withFallback(TestSystems.config("postgres://kaged:do-not-print@127.0.0.1:1/kaged", home)),
                Map.of());
        var e = org.junit.jupiter.api.Assertions.assertThrows(StorageConfigException.class, () -> Store.open(s));
        assertTrue(e.getMessage().contains("postgres://kaged:***@127.0.0.1:1/kaged"), e.getMessage());
        assertTrue(!e.getMessage().contains("do-not-print"), e.getMessage());
    }

    private static String pragma(Store store, String name) throws Exception {
        return store.withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    /**
     * A transaction that cannot get the write lock in time fails, and the next one on the same pooled
     * connection is still all or nothing. sqlite-jdbc marks a connection transactional before its BEGIN
     * runs, so a BEGIN that timed out used to leave the connection running later "transactions" statement
     * by statement: their first rows committed even when the transaction failed after them.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aTransactionThatCouldNotLockLeavesTheNextOneAtomic(TestEngine engine) throws Exception {
        StorageSettings s = StorageSettings.fromConfig(
                TestSystems.config(TestDatabases.newStoreUrl(engine, home), home)
                        // the fewest connections; HikariCP hands a thread the connection it returned last
                        .withValue("kaged.storage.sqlite.pool-size", ConfigValueFactory.fromAnyRef(2))
                        .withValue("kaged.storage.postgresql.pool-size", ConfigValueFactory.fromAnyRef(2))
                        .withValue("kaged.storage.sqlite.busy-timeout", ConfigValueFactory.fromAnyRef("100ms")),
                Map.of());
        try (Store store = Store.open(s)) {
            try (Connection holder = rawConnection(store.target())) {
                holdWriteLock(engine, holder);
                assertThrows(
                        SQLException.class,
                        () -> store.inTransaction(c -> {
                            if (engine == TestEngine.POSTGRESQL) {
                                execute(c, "SET LOCAL lock_timeout = '100ms'");
                            }
                            insertAudit(c, "blocked");
                            return null;
                        }));
                holder.rollback();
            }
            assertThrows(
                    IllegalStateException.class,
                    () -> store.inTransaction(c -> {
                        insertAudit(c, "half");
                        throw new IllegalStateException("fails after its first row");
                    }));
            store.inTransaction(c -> insertAudit(c, "whole"));
            assertEquals(List.of("whole"), store.withConnection(c -> {
                List<String> ids = new java.util.ArrayList<>();
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT id FROM audit WHERE actor = 'store-test'")) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }));
        }
    }

    private static Connection rawConnection(StorageTarget target) throws SQLException {
        Connection c = target.engine() == Engine.SQLITE
                ? DriverManager.getConnection("jdbc:sqlite:" + target.sqliteFile())
                : DriverManager.getConnection(target.jdbcUrl(), target.username(), target.password());
        c.setAutoCommit(false);
        return c;
    }

    private static void holdWriteLock(TestEngine engine, Connection c) throws SQLException {
        if (engine == TestEngine.SQLITE) {
            // sqlite-jdbc has begun a deferred transaction; a write takes the file's write lock
            execute(
                    c,
                    "INSERT INTO audit (id, at, actor, kind, subject, outcome) VALUES"
                            + " ('holder', 0, 'holder', 'test', 'x', 'ok')");
        } else {
            execute(c, "LOCK TABLE audit IN ACCESS EXCLUSIVE MODE");
        }
    }

    private static Object insertAudit(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (id, at, actor, kind, subject, outcome)"
                + " VALUES (?, 0, 'store-test', 'test', 'x', 'ok')")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        return null;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
