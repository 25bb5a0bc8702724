package io.kaged.daemon.crash;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's store read directly by the test, beside the daemon: the journal rows committed so far,
 * and SQLite's own integrity check.
 */
final class StoreRows {

    /** One committed event: its kind and a digest of its payload. */
    record Event(String manifest, int payloadLength, int payloadHash) {}

    private final String jdbcUrl;
    private final String user;
    private final String password;

    private StoreRows(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    static StoreRows sqlite(Path file) {
        return new StoreRows("jdbc:sqlite:" + file, null, null);
    }

    /** @param url a {@code postgres://user:pass@host:port/db} URL as KAGED_DATABASE_URL takes it */
    static StoreRows postgres(String url) {
        URI uri = URI.create(url);
        String[] credentials = uri.getUserInfo().split(":", 2);
        return new StoreRows(
                "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
                credentials[0],
                credentials[1]);
    }

    private Connection open() throws SQLException {
        return user == null
                ? DriverManager.getConnection(jdbcUrl)
                : DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Every event in the journal, by persistence id and sequence number. */
    Map<String, Event> journal() throws SQLException {
        Map<String, Event> rows = new HashMap<>();
        try (Connection c = open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT persistence_id, sequence_nr, event_manifest, payload FROM journal")) {
            while (rs.next()) {
                byte[] payload = rs.getBytes(4);
                rows.put(
                        rs.getString(1) + "#" + rs.getLong(2),
                        new Event(rs.getString(3), payload.length, Arrays.hashCode(payload)));
            }
        }
        return rows;
    }

    /** What {@code PRAGMA integrity_check} reports: {@code [ok]} for a sound file. */
    List<String> integrityCheck() throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    /** Events of {@code before} that are missing from {@code after} or differ there. */
    static List<String> lost(Map<String, Event> before, Map<String, Event> after) {
        List<String> lost = new ArrayList<>();
        before.forEach((key, event) -> {
            Event now = after.get(key);
            if (!event.equals(now)) {
                lost.add(key + " " + event.manifest() + (now == null ? " is gone" : " changed to " + now));
            }
        });
        return lost;
    }
}
