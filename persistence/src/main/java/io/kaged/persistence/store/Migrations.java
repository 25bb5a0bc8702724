package io.kaged.persistence.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The one Flyway history, bundled in the jar under {@code db/migration}, shared by both engines. The
 * only engine difference, the binary column type, is a placeholder ({@code ${blob}}), so a single set
 * of numbered scripts stays the truth for SQLite and PostgreSQL alike.
 */
public final class Migrations {

    /** A migration as {@code kaged db} reports it. */
    public record Step(String version, String description, String state, Instant installedOn) {}

    /** The schema version in use and what is applied and pending. */
    public record Status(String schemaVersion, List<Step> applied, List<Step> pending) {}

    private final DataSource dataSource;
    private final Engine engine;
    /** Built on first use: on a store that is up to date, Flyway is not needed ({@link SchemaHistory}). */
    private Flyway flyway;

    public Migrations(DataSource dataSource, Engine engine) {
        this.dataSource = dataSource;
        this.engine = engine;
    }

    private synchronized Flyway flyway() {
        if (flyway == null) {
            flyway = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:" + SchemaHistory.LOCATION)
                    .placeholders(Map.of("blob", engine == Engine.SQLITE ? "BLOB" : "BYTEA"))
                    .failOnMissingLocations(true)
                    .load();
        }
        return flyway;
    }

    /**
     * The status of a store that does not exist yet: every bundled migration pending. Asked of an empty
     * in-memory SQLite database, so nothing is created on disk.
     */
    public static Status ofNewStore() {
        org.sqlite.SQLiteDataSource empty = new org.sqlite.SQLiteDataSource();
        empty.setUrl("jdbc:sqlite::memory:");
        return new Migrations(empty, Engine.SQLITE).status();
    }

    /**
     * Applies every pending migration; returns how many ran. A store whose history already holds exactly
     * the bundled migrations is left as it is without starting Flyway; any other (pending, failed, changed
     * or unknown migrations) is Flyway's to migrate or refuse.
     */
    public int migrate() {
        if (upToDateVersion().isPresent()) {
            return 0;
        }
        return flyway().migrate().migrationsExecuted;
    }

    /** The schema version in use ("none" before the first migration). */
    public String schemaVersion() {
        return upToDateVersion().orElseGet(() -> status().schemaVersion());
    }

    /** The schema version if the history matches the bundled migrations exactly, read without Flyway. */
    Optional<String> upToDateVersion() {
        return SchemaHistory.upToDate(dataSource, Migrations.class.getClassLoader());
    }

    /** What is applied and pending, as Flyway reports it ({@code kaged db}). */
    public Status status() {
        Flyway flyway = flyway();
        MigrationInfo[] all = flyway.info().all();
        MigrationInfo current = flyway.info().current();
        List<Step> applied = Arrays.stream(all)
                .filter(i -> i.getState().isApplied())
                .map(Migrations::step)
                .toList();
        List<Step> pending = Arrays.stream(all)
                .filter(i -> !i.getState().isApplied() && !i.getState().isFailed())
                .map(Migrations::step)
                .toList();
        return new Status(current == null ? "none" : current.getVersion().toString(), applied, pending);
    }

    private static Step step(MigrationInfo i) {
        return new Step(
                i.getVersion() == null ? "" : i.getVersion().toString(),
                i.getDescription(),
                i.getState().getDisplayName().toLowerCase(java.util.Locale.ROOT),
                i.getInstalledOn() == null ? null : i.getInstalledOn().toInstant());
    }
}
