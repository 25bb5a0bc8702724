package io.kaged.persistence.store;

import java.util.Locale;

/** Whether kaged runs for one user (per-user XDG folders) or system-wide (/var/lib/kaged). */
public enum Mode {
    USER,
    SYSTEM;

    public static Mode parse(String value, String source) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "user" -> USER;
            case "system" -> SYSTEM;
            default ->
                throw new StorageConfigException(
                        source + " must be 'user' or 'system', got '" + value + "' (example: " + source + "=user)");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
