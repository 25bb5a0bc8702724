package io.kaged.bench;

import io.kaged.persistence.store.Engine;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --name value} / {@code --name=value} command lines of the benchmark programs: each value is
 * taken once by a typed getter, and {@link #done()} refuses whatever was left over, so a misspelt option
 * is an error, not a silent default.
 */
public final class Flags {

    /** A mistake on the command line; a null message means "print the usage only". */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> given;

    private Flags(Map<String, String> given) {
        this.given = given;
    }

    /** @param switches options that take no value (e.g. {@code append}); present means "true" */
    public static Flags parse(String[] args, String... switches) {
        Map<String, String> given = new HashMap<>();
        java.util.Set<String> bare = java.util.Set.of(switches);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new UsageException(null);
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                given.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (bare.contains(arg.substring(2))) {
                given.put(arg.substring(2), "true");
            } else if (i + 1 < args.length) {
                given.put(arg.substring(2), args[++i]);
            } else {
                throw new UsageException("option " + arg + " needs a value");
            }
        }
        return new Flags(given);
    }

    /** A whole number of at least {@code min}; underscores are allowed ({@code 1_000_000}). */
    public int integer(String key, int defaultValue, int min) {
        String raw = given.remove(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.replace("_", ""));
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + key + " must be a whole number of at least " + min + ", got '" + raw + "'");
    }

    public long longValue(String key, long defaultValue) {
        String raw = given.remove(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a whole number, got '" + raw + "'");
        }
    }

    public String text(String key, String defaultValue) {
        String raw = given.remove(key);
        return raw == null ? defaultValue : raw;
    }

    public boolean on(String key) {
        String raw = given.remove(key);
        return raw != null && !raw.equals("false");
    }

    /** An ISO-8601 instant such as {@code 2026-11-22T00:00:00Z}. */
    public Instant instant(String key, Instant defaultValue) {
        String raw = given.remove(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new UsageException(
                    "--" + key + " must be an ISO-8601 time such as 2026-11-22T00:00:00Z, got '" + raw + "'");
        }
    }

    /** {@code --engines}: a comma-separated list of sqlite and postgresql (also postgres, pg). */
    public List<Engine> engines(String defaultValue) {
        List<Engine> engines = new ArrayList<>();
        for (String name : text("engines", defaultValue).split(",")) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "sqlite" -> engines.add(Engine.SQLITE);
                case "postgresql", "postgres", "pg" -> engines.add(Engine.POSTGRESQL);
                case "" -> {}
                default ->
                    throw new UsageException("--engines takes sqlite and/or postgresql, got '" + name.trim()
                            + "' (example: --engines sqlite)");
            }
        }
        if (engines.isEmpty()) {
            throw new UsageException("--engines names no engine (example: --engines sqlite,postgresql)");
        }
        return List.copyOf(engines);
    }

    /** Refuses options nobody asked for. */
    public void done() {
        if (!given.isEmpty()) {
            throw new UsageException("unknown option(s) " + given.keySet());
        }
    }
}
