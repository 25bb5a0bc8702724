package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The check that lets an up-to-date store start without Flyway agrees with Flyway: on what it records
 * for the bundled scripts, on the schema version, and on every history that is not up to date, which it
 * leaves to Flyway.
 */
class SchemaHistoryTest {

    @TempDir
    Path home;

    private StorageSettings settings(TestEngine engine) {
        return StorageSettings.fromConfig(TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of());
    }

    private static Set<SchemaHistory.Row> bundled() {
        return new HashSet<>(SchemaHistory.bundled(SchemaHistory.class.getClassLoader()));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aStoreFlywayMigratedIsUpToDateWithTheRowsAndVersionFlywayRecorded(TestEngine engine) {
        StorageSettings s = settings(engine);
        try (Store store = Store.openUnmigrated(s)) {
            assertEquals(Optional.empty(), store.migrations().upToDateVersion(), "a new store");
            assertEquals("none", store.migrations().schemaVersion());
        }
        try (Store store = Store.open(s)) {
            Migrations.Status flyway = store.migrations().status();
            assertTrue(flyway.pending().isEmpty());
            assertEquals(bundled().size(), flyway.applied().size());
            // the versions, descriptions and checksums computed here are the ones Flyway wrote
            assertEquals(Optional.of(bundled()), SchemaHistory.applied(store.dataSource()));
            assertEquals(Optional.of(flyway.schemaVersion()), store.migrations().upToDateVersion());
            assertEquals(flyway.schemaVersion(), store.migrations().schemaVersion());
            assertEquals(0, store.migrations().migrate());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aPendingMigrationIsLeftToFlyway(TestEngine engine) throws Exception {
        StorageSettings s = settings(engine);
        try (Store store = Store.open(s)) {
            String last = store.migrations().schemaVersion();
            store.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '" + last + "'");
                }
            });
            assertEquals(Optional.empty(), store.migrations().upToDateVersion());
            assertEquals(1, store.migrations().status().pending().size());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aChangedScriptIsStillRefusedByFlywaysValidation(TestEngine engine) throws Exception {
        StorageSettings s = settings(engine);
        try (Store store = Store.open(s)) {
            store.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate(
                            "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
                }
            });
            assertEquals(Optional.empty(), store.migrations().upToDateVersion());
        }
        StorageConfigException refused = assertThrows(StorageConfigException.class, () -> Store.open(s));
        assertTrue(refused.getMessage().contains("checksum mismatch"), refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aFailedOrUnknownRowIsLeftToFlyway(TestEngine engine) throws Exception {
        StorageSettings s = settings(engine);
        try (Store store = Store.open(s)) {
            String success = engine == TestEngine.SQLITE ? "0" : "false";
            store.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description,"
                            + " type, script, checksum, installed_by, execution_time, success) VALUES (1000, '999',"
                            + " 'later', 'SQL', 'V999__later.sql', 1, 'test', 1, " + success + ")");
                }
            });
            assertEquals(Optional.empty(), store.migrations().upToDateVersion(), "a failed row");
            store.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("UPDATE flyway_schema_history SET success = "
                            + (engine == TestEngine.SQLITE ? "1" : "true") + " WHERE version = '999'");
                }
            });
            assertEquals(Optional.empty(), store.migrations().upToDateVersion(), "a migration not bundled");
        }
    }

    @Test
    void theScriptsReadFromAJarAreTheSame() throws Exception {
        // as in the daemon's fat jar, with the folder's own entry, whose name ends with a slash
        Path jar = home.resolve("scripts.jar");
        Path folder = Path.of(SchemaHistory.class
                .getClassLoader()
                .getResource(SchemaHistory.LOCATION)
                .toURI());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> scripts = Files.list(folder)) {
            out.putNextEntry(new JarEntry("db/"));
            out.putNextEntry(new JarEntry(SchemaHistory.LOCATION + "/"));
            for (Path script : scripts.toList()) {
                out.putNextEntry(new JarEntry(SchemaHistory.LOCATION + "/" + script.getFileName()));
                out.write(Files.readAllBytes(script));
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertTrue(loader.getResource(SchemaHistory.LOCATION).toString().startsWith("jar:"));
            List<SchemaHistory.Row> fromJar = SchemaHistory.bundled(loader);
            assertEquals(bundled(), new HashSet<>(fromJar));
            assertEquals(bundled().size(), fromJar.size());
        }
    }

    @Test
    void theBundledScriptsAreReadAsFlywayNamesThem() {
        List<String> versions = bundled().stream()
                .map(SchemaHistory.Row::version)
                .sorted(SchemaHistory::compareVersions)
                .toList();
        assertEquals("1", versions.get(0));
        assertTrue(versions.contains("6.1"), versions.toString());
        assertTrue(bundled().stream().anyMatch(r -> r.description().equals("query indexes")));
        assertTrue(SchemaHistory.compareVersions("10", "9") > 0);
        assertTrue(SchemaHistory.compareVersions("6.1", "6") > 0);
        assertTrue(SchemaHistory.compareVersions("6.1", "7") < 0);
    }
}
