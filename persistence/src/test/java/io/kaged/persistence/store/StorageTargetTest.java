package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageTargetTest {

    private static final Path HOME = Path.of("/srv/kaged-home");

    private static StorageTarget parse(String url) {
        return StorageTarget.parse(url, "KAGED_DATABASE_URL", HOME);
    }

    @Test
    void acceptsEverySqliteForm() {
        assertEquals(Path.of("/abs/k.db"), parse("sqlite:///abs/k.db").sqliteFile());
        assertEquals(HOME.resolve("rel.db"), parse("sqlite:rel.db").sqliteFile());
        assertEquals(Path.of("/abs/bare.db"), parse("/abs/bare.db").sqliteFile());
        assertEquals(HOME.resolve("data/bare.db"), parse("data/bare.db").sqliteFile());
        assertEquals(Path.of("/abs/j.db"), parse("jdbc:sqlite:/abs/j.db").sqliteFile());
        assertEquals("jdbc:sqlite:/abs/k.db", parse("sqlite:///abs/k.db").jdbcUrl());
        assertEquals(Engine.SQLITE, parse("sqlite:rel.db").engine());
    }

    @Test
    void acceptsPostgresUrlsAndKeepsThePasswordOutOfEveryShownForm() {
        StorageTarget t = parse("postgres://kaged:s3cr%40t@db.local:6543/kaged?sslmode=disable");
        assertEquals(Engine.POSTGRESQL, t.engine());
        assertEquals("jdbc:postgresql://db.local:6543/kaged?sslmode=disable", t.jdbcUrl());
        assertEquals("kaged", t.username());
        assertEquals("s3cr@t", t.password());
        assertEquals("postgres://kaged:***@db.local:6543/kaged?sslmode=disable", t.masked());
        assertEquals(t.masked(), t.toString());
        assertFalse(t.toString().contains("s3cr"));
        assertEquals("db.local:6543/kaged", t.location());
        assertEquals(
                5432,
                java.net
                        .URI
                        .create(parse("postgresql://u@h/db").jdbcUrl().substring(5))
                        .getPort());
    }

    @Test
    void masksPasswordsInJdbcUrls() {
        StorageTarget t = parse("jdbc:postgresql://h:5432/db?user=u&password=hunter2&ssl=true");
        assertEquals(Engine.POSTGRESQL, t.engine());
        assertFalse(t.masked().contains("hunter2"), t.masked());
        assertTrue(t.masked().contains("password=***"), t.masked());
    }

    @Test
    void rejectsUnknownSchemesNamingTheVariableAndAnExampleWithoutThePassword() {
        var e = assertThrows(StorageConfigException.class, () -> parse("mysql://root:topsecret@h/db"));
        assertTrue(e.getMessage().startsWith("KAGED_DATABASE_URL"), e.getMessage());
        assertTrue(e.getMessage().contains("postgres://"), e.getMessage());
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
    }

    @Test
    void rejectsUrlsThatNameNoDatabase() {
        assertThrows(StorageConfigException.class, () -> parse("postgres://u:p@host"));
        assertThrows(StorageConfigException.class, () -> parse("postgres:///db"));
        assertThrows(StorageConfigException.class, () -> parse("sqlite::memory:"));
        assertThrows(StorageConfigException.class, () -> parse("sqlite://relative/k.db"));
        assertThrows(StorageConfigException.class, () -> parse("  "));
    }

    private static final Config BASE = ConfigFactory.defaultReference();

    @Test
    void resolvesEnvThenConfigThenDefault() {
        Config withUrl = ConfigFactory.parseString("kaged.storage.url = \"sqlite:///from/config.db\"")
                .withFallback(BASE);
        Map<String, String> env = Map.of("HOME", "/home/op", "KAGED_DATABASE_URL", "sqlite:///from/env.db");
        assertEquals(
                Path.of("/from/env.db"),
                StorageSettings.fromConfig(withUrl, env).target().sqliteFile());
        assertEquals(
                "KAGED_DATABASE_URL", StorageSettings.fromConfig(withUrl, env).targetSource());
        assertEquals(
                Path.of("/from/config.db"),
                StorageSettings.fromConfig(withUrl, Map.of("HOME", "/home/op"))
                        .target()
                        .sqliteFile());
        assertEquals(
                Path.of("/home/op/.local/share/kaged/kaged.db"),
                StorageSettings.fromConfig(BASE, Map.of("HOME", "/home/op"))
                        .target()
                        .sqliteFile());
    }

    @Test
    void defaultLocationFollowsModeXdgAndKagedHome() {
        assertEquals(
                Path.of("/xdg/data/kaged/kaged.db"),
                StorageSettings.fromConfig(BASE, Map.of("HOME", "/home/op", "XDG_DATA_HOME", "/xdg/data"))
                        .target()
                        .sqliteFile());
        assertEquals(
                Path.of("/var/lib/kaged/kaged.db"),
                StorageSettings.fromConfig(BASE, Map.of("HOME", "/home/op", "KAGED_MODE", "system"))
                        .target()
                        .sqliteFile());
        assertEquals(
                Path.of("/opt/k/kaged.db"),
                StorageSettings.fromConfig(BASE, Map.of("KAGED_HOME", "/opt/k", "KAGED_MODE", "system"))
                        .target()
                        .sqliteFile());
        assertEquals(
                Path.of("/opt/k/rel.db"),
                StorageSettings.fromConfig(BASE, Map.of("KAGED_HOME", "/opt/k", "KAGED_DATABASE_URL", "sqlite:rel.db"))
                        .target()
                        .sqliteFile());
    }

    @Test
    void rejectsAnUnknownModeNamingTheVariable() {
        var e = assertThrows(
                StorageConfigException.class, () -> StorageSettings.fromConfig(BASE, Map.of("KAGED_MODE", "root")));
        assertTrue(e.getMessage().contains("KAGED_MODE"), e.getMessage());
    }
}
