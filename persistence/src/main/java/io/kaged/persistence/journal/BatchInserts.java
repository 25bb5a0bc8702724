package io.kaged.persistence.journal;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Journal rows as one JDBC batch of {@link JournalDao#INSERT}. */
final class BatchInserts implements JournalInserts {

    private final PreparedStatement insert;
    private boolean pending;

    BatchInserts(Connection c) throws SQLException {
        this.insert = c.prepareStatement(JournalDao.INSERT);
    }

    @Override
    public void add(JournalRow row) throws SQLException {
        bind(row);
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

    private void bind(JournalRow row) throws SQLException {
        insert.setString(1, row.persistenceId());
        insert.setLong(2, row.sequenceNr());
        insert.setString(3, row.writerUuid());
        insert.setLong(4, row.writeTimestamp());
        insert.setString(5, row.eventManifest());
        insert.setInt(6, row.encoded().serializerId());
        insert.setString(7, row.encoded().manifest());
        insert.setBytes(8, row.encoded().bytes());
        insert.setString(9, row.tags());
        Encoded meta = row.metadata();
        if (meta == null) {
            insert.setNull(10, Types.INTEGER);
            insert.setNull(11, Types.VARCHAR);
            insert.setNull(12, Types.BINARY);
        } else {
            insert.setInt(10, meta.serializerId());
            insert.setString(11, meta.manifest());
            insert.setBytes(12, meta.bytes());
        }
    }
}
