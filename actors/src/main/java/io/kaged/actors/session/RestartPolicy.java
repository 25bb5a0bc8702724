package io.kaged.actors.session;

import java.util.Locale;

/** When a session's process is started again after it ends: like supervisord's autorestart. */
public enum RestartPolicy {
    NEVER,
    ON_FAILURE,
    ALWAYS;

    public static RestartPolicy parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "never" -> NEVER;
            case "on-failure" -> ON_FAILURE;
            case "always" -> ALWAYS;
            default ->
                throw new IllegalArgumentException(
                        "restart must be one of never, on-failure, always; got '" + value + "'");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a process that exited with {@code exitCode} (null: killed by the daemon's death) restarts. */
    public boolean restarts(Integer exitCode) {
        return switch (this) {
            case NEVER -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> exitCode == null || exitCode != 0;
        };
    }
}
