package io.kaged.bench;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads a daemon's journal table directly, so a benchmark can see when an event is stored without asking the
 * daemon: the conversation route folds every event of the run on each request, and polling it would load the
 * daemon being measured. One indexed query on the run's rows per look.
 */
final class JournalWatch implements AutoCloseable {

    private final Connection connection;
    private final PreparedStatement count;

    private JournalWatch(Connection connection) throws SQLException {
        this.connection = connection;
        this.count = connection.prepareStatement(
                "SELECT COUNT(*) FROM journal WHERE persistence_id = ? AND ser_manifest = ?");
    }

    /** The store of a daemon: {@code url} as in KAGED_DATABASE_URL, or null for the home's SQLite default. */
    static JournalWatch open(Path home, String url) throws SQLException {
        if (url == null) {
            return new JournalWatch(DriverManager.getConnection("jdbc:sqlite:" + home.resolve("kaged.db")));
        }
        URI u = URI.create(url);
        return new JournalWatch(DriverManager.getConnection(
                "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(), u.getUserInfo(), ""));
    }

    /** How many events of the run's journal are of the given class (e.g. {@code RunActor$TurnEnded}). */
    long events(String runId, String eventClass) throws SQLException {
        count.setString(1, "run|" + runId);
        count.setString(2, "io.kaged.actors.run." + eventClass);
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
