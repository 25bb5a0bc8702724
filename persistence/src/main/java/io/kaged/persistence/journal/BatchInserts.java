package io.kaged.persistence.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Journal rows as one JDBC batch of {@link JournalDao#INSERT}. */
final class BatchInserts implements JournalInserts {

    private final PreparedStatement insert;
    private boolean pending;

    BatchInserts(Connection c) throws SQLException {
        this.insert = c.prepareStatement(JournalDao.INSERT);
    }

    @Override
    public void add(JournalRow row) throws SQLException {
        JournalDao.bindInsert(insert, row);
        insert.addBatch();
        pending = true;
    }

    @Override
    public void flush() throws SQLException {
        if (pending) {
            insert.executeBatch();
            pending = false;
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
