package io.kaged.persistence.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The folder that holds kaged's store, auth token and optional config. Resolution: env {@code
 * KAGED_HOME} wins; otherwise per-user {@code $XDG_DATA_HOME/kaged} (else {@code
 * ~/.local/share/kaged}) or system-wide {@code /var/lib/kaged}.
 */
public record KagedHome(Path dir, Mode mode) {

    public static final String ENV_HOME = "KAGED_HOME";

    public static KagedHome resolve(Mode mode, Map<String, String> env) {
        String explicit = env.get(ENV_HOME);
        if (explicit != null && !explicit.isBlank()) {
            return new KagedHome(Path.of(explicit).toAbsolutePath().normalize(), mode);
        }
        if (mode == Mode.SYSTEM) {
            return new KagedHome(Path.of("/var/lib/kaged"), mode);
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = (xdg != null && !xdg.isBlank())
                ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "share");
        return new KagedHome(base.resolve("kaged").toAbsolutePath().normalize(), mode);
    }

    /** The default SQLite store of this home. */
    public Path defaultDatabase() {
        return dir.resolve("kaged.db");
    }

    public Path authToken() {
        return dir.resolve("auth-token");
    }

    /**
     * Where the operator's HOCON config is looked for, first existing wins: {@code
     * ${KAGED_HOME}/kaged.conf}, then {@code $XDG_CONFIG_HOME/kaged/kaged.conf} (per-user mode only).
     */
    public List<Path> configCandidates(Map<String, String> env) {
        Path inHome = dir.resolve("kaged.conf");
        if (mode == Mode.SYSTEM) {
            return List.of(inHome, Path.of("/etc/kaged/kaged.conf"));
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path configBase = (xdg != null && !xdg.isBlank())
                ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return List.of(inHome, configBase.resolve("kaged").resolve("kaged.conf"));
    }

    /** The config file in use, if any exists. */
    public Optional<Path> existingConfig(Map<String, String> env) {
        return configCandidates(env).stream().filter(p -> p.toFile().isFile()).findFirst();
    }
}
