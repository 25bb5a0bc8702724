package io.kaged.daemon.config;

import com.typesafe.config.Config;
import io.kaged.persistence.store.KagedHome;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration a kaged process runs with: the merged config, the environment it was resolved
 * against (with command-line overrides such as {@code --mode} folded in), the home folder and the
 * operator's config file, if any.
 */
public record LoadedConfig(Config config, Map<String, String> env, KagedHome home, Optional<Path> file) {}
