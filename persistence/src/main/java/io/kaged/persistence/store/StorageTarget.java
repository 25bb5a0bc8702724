package io.kaged.persistence.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the store lives: an engine, a JDBC URL and credentials. Parsed from the one URL an operator
 * gives; {@link #toString()} and {@link #masked()} never show the password.
 *
 * <p>Relative SQLite paths resolve against the kaged home folder, not the working directory, because a
 * daemon started by systemd runs in {@code /}.
 */
public record StorageTarget(
        Engine engine, String jdbcUrl, String username, String password, Path sqliteFile, String masked) {

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final String EXAMPLES = "sqlite:///var/lib/kaged/kaged.db, sqlite:kaged.db, /abs/path/kaged.db,"
            + " postgres://kaged@localhost:5432/kaged";

    public static StorageTarget sqlite(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return new StorageTarget(Engine.SQLITE, "jdbc:sqlite:" + abs, null, null, abs, "sqlite://" + abs);
    }

    /**
     * Parses every accepted form: {@code sqlite:///abs.db}, {@code sqlite:rel.db}, a bare path, {@code
     * postgres://} and {@code postgresql://} URLs, and {@code jdbc:sqlite:} / {@code jdbc:postgresql:}
     * URLs.
     *
     * @param source the variable or key the URL came from, named in the error
     * @param baseDir where relative SQLite paths resolve
     */
    public static StorageTarget parse(String raw, String source, Path baseDir) {
        String url = raw == null ? "" : raw.trim();
        if (url.isEmpty()) {
            throw invalid(source, url, "it is empty");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            return sqliteFromPath(url.substring("jdbc:sqlite:".length()), source, url, baseDir);
        }
        if (lower.startsWith("sqlite:")) {
            String rest = url.substring("sqlite:".length());
            if (rest.startsWith("//")) {
                rest = rest.substring(2);
                if (!rest.startsWith("/")) {
                    throw invalid(
                            source, url, "sqlite:// must be followed by an absolute path (sqlite:///abs/path.db)");
                }
            }
            return sqliteFromPath(rest, source, url, baseDir);
        }
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return postgres(url, source);
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return new StorageTarget(
                    Engine.POSTGRESQL, url, queryParam(url, "user"), queryParam(url, "password"), null, maskJdbc(url));
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*:.*") && !lower.matches("^[a-z]:[\\\\/].*")) {
            throw invalid(source, maskJdbc(url), "its scheme is not supported");
        }
        return sqliteFromPath(url, source, url, baseDir);
    }

    private static StorageTarget sqliteFromPath(String path, String source, String url, Path baseDir) {
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.isBlank() || path.equals(":memory:") || path.startsWith(":")) {
            throw invalid(source, url, "it names no database file (in-memory SQLite cannot be shared by a pool)");
        }
        return sqlite(baseDir.resolve(path));
    }

    private static StorageTarget postgres(String url, String source) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(source, maskUserInfo(url), "it is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw invalid(source, maskUserInfo(url), "it names no host");
        }
        String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (db.isBlank()) {
            throw invalid(source, maskUserInfo(url), "it names no database (postgres://user@host:5432/DBNAME)");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + db
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        String shown = "postgres://" + (user != null ? user + (password != null ? ":***" : "") + "@" : "")
                + uri.getHost() + ":" + port + "/" + db
                + (uri.getRawQuery() != null ? "?" + maskQuery(uri.getRawQuery()) : "");
        return new StorageTarget(Engine.POSTGRESQL, jdbc, user, password, null, shown);
    }

    private static String queryParam(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(name)) {
                return decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String maskQuery(String query) {
        return PASSWORD_PARAM.matcher(query).replaceAll("$1***");
    }

    private static String maskJdbc(String url) {
        return PASSWORD_PARAM.matcher(maskUserInfo(url)).replaceAll("$1***");
    }

    /** Masks {@code user:password@} in any URL-like text, for messages about URLs we could not parse. */
    public static String maskUserInfo(String url) {
        return url.replaceAll("(//[^/:@]*):[^@/]*@", "$1:***@");
    }

    private static StorageConfigException invalid(String source, String shownUrl, String why) {
        return new StorageConfigException(source + " has an unusable storage URL '" + maskUserInfo(shownUrl) + "': "
                + why + ". Accepted forms, for example: " + EXAMPLES);
    }

    public Optional<Path> file() {
        return Optional.ofNullable(sqliteFile);
    }

    /** Host and port for PostgreSQL, file path for SQLite: what {@code kaged db} shows as location. */
    public String location() {
        if (engine == Engine.SQLITE) {
            return sqliteFile.toString();
        }
        try {
            URI uri = new URI(jdbcUrl.substring("jdbc:".length()));
            return uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432) + uri.getPath();
        } catch (URISyntaxException e) {
            return masked;
        }
    }

    /**
     * A libpq connection URL without the password, for pg_dump and pg_restore; the password goes to them
     * through the {@code PGPASSWORD} environment variable, never the command line.
     */
    public String libpqUrl() {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String user = username == null ? "" : java.net.URLEncoder.encode(username, StandardCharsets.UTF_8) + "@";
        return "postgresql://" + user + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432)
                + uri.getPath();
    }

    @Override
    public String toString() {
        return masked;
    }
}
