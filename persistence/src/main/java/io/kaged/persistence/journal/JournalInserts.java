package io.kaged.persistence.journal;

import io.kaged.persistence.store.Engine;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How a lane's grouped events reach the {@code journal} table inside its transaction: rows are added one
 * by one and sent together at {@link #flush()}, before a delete or read that must see them and before the
 * commit. Nothing reaches the database before the flush, so other statements (projections) may run on the
 * connection between adds.
 */
sealed interface JournalInserts extends AutoCloseable permits BatchInserts, CopyInserts {

    void add(JournalRow row) throws SQLException;

    /** Sends every row added since the last flush; does nothing if there is none. */
    void flush() throws SQLException;

    @Override
    void close() throws SQLException;

    /**
     * Whether a flush on {@code engine} is one statement, all or nothing without a transaction around it:
     * PostgreSQL's {@code COPY} is, and so is its insert of a single row; SQLite's batch is one statement per row.
     */
    static boolean flushIsOneStatement(Engine engine) {
        return engine == Engine.POSTGRESQL;
    }

    /**
     * PostgreSQL gets binary {@code COPY}: measured here, it takes half the time of a JDBC batch of the same
     * 25–100 rows (one statement for all rows instead of a bind and execute for each); a few rows still go as a
     * batch, one round trip to the server instead of the COPY's two. SQLite has no COPY; its batch of a prepared
     * statement is already one native step per row.
     */
    static JournalInserts open(Engine engine, Connection c) throws SQLException {
        return switch (engine) {
            case POSTGRESQL -> new CopyInserts(c);
            case SQLITE -> new BatchInserts(c);
        };
    }
}
