package io.kaged.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.kaged.persistence.store.KagedHome;
import io.kaged.persistence.store.Mode;
import io.kaged.persistence.store.StorageConfigException;
import io.kaged.persistence.store.StorageSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the process's config in layers, highest first: environment overrides ({@code KAGED_HTTP_PORT},
 * {@code KAGED_HTTP_HOST}, {@code KAGED_HTTP_TLS_CERTIFICATE}, {@code KAGED_HTTP_TLS_PRIVATE_KEY}), the operator's file ({@code ${KAGED_HOME}/kaged.conf}, else {@code
 * $XDG_CONFIG_HOME/kaged/kaged.conf}), then every module's reference.conf. {@code KAGED_DATABASE_URL},
 * {@code KAGED_HOME} and {@code KAGED_MODE} are read by {@link StorageSettings} from the same environment.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /** Loads config for {@code env}, with {@code modeOverride} (from {@code --mode}) winning over KAGED_MODE. */
    public static LoadedConfig load(Map<String, String> env, Mode modeOverride) {
        Map<String, String> effective = new HashMap<>(env);
        if (modeOverride != null) {
            effective.put(StorageSettings.ENV_MODE, modeOverride.label());
        }
        Mode mode = effective.containsKey(StorageSettings.ENV_MODE)
                ? Mode.parse(effective.get(StorageSettings.ENV_MODE), StorageSettings.ENV_MODE)
                : Mode.USER;
        KagedHome home = KagedHome.resolve(mode, effective);
        Optional<Path> file = home.existingConfig(effective);
        Config fromFile = file.map(ConfigLoader::parse).orElse(ConfigFactory.empty());
        Config config = envLayer(effective)
                .withFallback(fromFile)
                .withFallback(ConfigFactory.parseMap(Map.of(
                        "kaged.mode",
                        mode.label(),
                        "kaged.workspaces.dir",
                        home.dir().resolve("workspaces").toString())))
                .withFallback(ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "kaged-daemon.conf"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        return new LoadedConfig(config, Map.copyOf(effective), home, file);
    }

    private static Config parse(Path file) {
        try {
            return ConfigFactory.parseFile(
                    file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new StorageConfigException("cannot read the config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Config envLayer(Map<String, String> env) {
        Map<String, Object> values = new HashMap<>();
        String port = env.get("KAGED_HTTP_PORT");
        if (port != null && !port.isBlank()) {
            try {
                values.put("kaged.http.port", Integer.parseInt(port.trim()));
            } catch (NumberFormatException e) {
                throw new StorageConfigException(
                        "KAGED_HTTP_PORT must be a port number, got '" + port + "' (example: KAGED_HTTP_PORT=7480)");
            }
        }
        Map.of(
                        "KAGED_HTTP_HOST", "kaged.http.host",
                        "KAGED_HTTP_TLS_CERTIFICATE", "kaged.http.tls.certificate",
                        "KAGED_HTTP_TLS_PRIVATE_KEY", "kaged.http.tls.private-key")
                .forEach((variable, key) -> {
                    String value = env.get(variable);
                    if (value != null && !value.isBlank()) {
                        values.put(key, value.trim());
                    }
                });
        return ConfigFactory.parseMap(values, "environment");
    }
}
