package io.kaged.persistence.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** A SQLite store's file, before the pool opens it: created private, given its page size, and its data source. */
final class SqliteFile {

    private static final Logger log = LoggerFactory.getLogger(Store.class);

    private SqliteFile() {}

    /** Creates the file (and its folder) if need be, and formats it if it is still empty. */
    static void prepare(Path file, StorageSettings settings) {
        createFile(file);
        formatIfEmpty(file, settings);
    }

    static DataSource dataSource(StorageSettings settings) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(settings.sqliteSynchronous()));
        cfg.setBusyTimeout((int) settings.sqliteBusyTimeout().toMillis());
        cfg.enforceForeignKeys(true);
        // Reads map the file instead of copying pages into each connection's small private cache, which
        // every write from another connection empties: counting a large index reads cached pages in place.
        cfg.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(settings.sqliteMmapBytes()));
        // Once the log starts over, its file is cut back to the size at which the checkpointer restarts it,
        // not below: a file cut shorter grows again at once, which slowed the journal's writes
        // (docs/benchmarks.md; ext4 flushing newly allocated blocks at every sync is our reading of why).
        cfg.setPragma(
                SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT,
                Long.toString(settings.sqliteCheckpoints().restartAfterBytes()));
        // BEGIN IMMEDIATE takes the write lock up front, so a transaction never fails half-way on an
        // upgrade from read to write lock when another process (kaged backup) writes too.
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl(settings.target().jdbcUrl());
        return ds;
    }

    /**
     * Gives a new, still empty database file its page size. SQLite fixes the page size with the first
     * write, and switching to WAL is one, so this runs before the pool's connections (which switch at
     * open, in an order sqlite-jdbc does not promise) ever touch the file. An existing store keeps its size.
     */
    private static void formatIfEmpty(Path file, StorageSettings settings) {
        try {
            if (Files.size(file) > 0) {
                return;
            }
        } catch (IOException e) {
            throw new StorageConfigException("cannot read the store file " + file + ": " + e, e);
        }
        try (Connection c = DriverManager.getConnection(settings.target().jdbcUrl());
                Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size = " + settings.sqlitePageSize());
            st.execute("PRAGMA journal_mode = WAL");
        } catch (SQLException e) {
            throw new StorageConfigException("cannot create the store file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the store's folder (0700) and an empty database file (0600) before SQLite opens it: SQLite
     * would create the file with the process umask, and the store holds everything kaged recorded.
     */
    private static void createFile(Path file) {
        Path parent = file.getParent();
        try {
            if (parent != null && !Files.isDirectory(parent)) {
                PrivateFolders.create(parent);
                log.info("Created folder {} for the store", parent);
            }
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            throw new StorageConfigException("cannot create the store file " + file + ": " + e, e);
        }
    }
}
