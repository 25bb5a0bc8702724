package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.daemon.config.ConfigLoader;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Boots the real daemon (actor system, store, HTTP) on a temporary KAGED_HOME and a free port. */
class DaemonTest {

    @TempDir
    Path home;

    private final HttpClient client = HttpClient.newHttpClient();

    private LoadedConfig config(TestEngine engine) {
        return ConfigLoader.load(
                Map.of("KAGED_HOME", home.toString(), "KAGED_DATABASE_URL", TestDatabases.newStoreUrl(engine, home)),
                null);
    }

    private HttpResponse<String> get(Daemon d, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void servesHealthOpenlyAndInfoOnlyWithTheToken(TestEngine engine) throws Exception {
        LoadedConfig loaded = config(engine);
        Daemon daemon = Daemon.start(loaded, 0);
        try {
            Path tokenFile = home.resolve("auth-token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).trim();

            // The actor system's store is the one resolved from this daemon's environment, not the process's.
            assertEquals(
                    io.kaged.persistence.store.StorageSettings.fromConfig(loaded.config(), loaded.env())
                            .target(),
                    io.kaged.persistence.store.StoreExtension.store(
                                    daemon.system().classicSystem())
                            .target());

            HttpResponse<String> health = get(daemon, "/v1/health", null);
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"ok\"}", health.body());

            HttpResponse<String> anonymous = get(daemon, "/v1/info", null);
            assertEquals(401, anonymous.statusCode());
            assertEquals(
                    "application/problem+json",
                    anonymous.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(401, get(daemon, "/v1/info", token + "x").statusCode());

            HttpResponse<String> info = get(daemon, "/v1/info", token);
            assertEquals(200, info.statusCode(), info.body());
            assertTrue(info.body().contains("\"storage\":\"" + engine.name().toLowerCase() + "\""), info.body());
            java.util.List<io.kaged.persistence.store.Migrations.Step> bundled =
                    io.kaged.persistence.store.Migrations.ofNewStore().pending();
            String latest = bundled.get(bundled.size() - 1).version();
            assertTrue(info.body().contains("\"schemaVersion\":\"" + latest + "\""), info.body());
            assertFalse(info.body().contains("test-secret"), info.body());

            HttpResponse<String> missing = get(daemon, "/v2/nothing", token);
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("\"status\":404"), missing.body());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSecondDaemonOnTheSameStoreRefusesToStartUntilTheFirstStops(TestEngine engine) throws Exception {
        LoadedConfig loaded = config(engine);
        Daemon first = Daemon.start(loaded, 0);
        try {
            var e = assertThrows(DaemonStartException.class, () -> Daemon.start(loaded, 0));
            assertTrue(e.getMessage().contains("another kaged daemon is running"), e.getMessage());
            assertEquals(200, get(first, "/v1/health", null).statusCode());
        } finally {
            first.stop();
        }
        Daemon second = Daemon.start(loaded, 0);
        second.stop();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesABusyPortWithAnActionableMessageAndReleasesTheStore(TestEngine engine) throws Exception {
        LoadedConfig loaded = config(engine);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var e = assertThrows(DaemonStartException.class, () -> Daemon.start(loaded, taken.getLocalPort()));
            assertTrue(e.getMessage().contains("--port"), e.getMessage());
        }
        Daemon after = Daemon.start(loaded, 0);
        after.stop();
    }
}
