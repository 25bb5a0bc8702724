package io.kaged.persistence.journal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Journal rows as one PostgreSQL {@code COPY ... FROM STDIN (FORMAT binary)}. The rows are encoded into a
 * buffer as they are added and sent at the flush, because no other statement may run on the connection
 * while a COPY is open.
 *
 * <p>The binary format carries each value in the column's own binary form, so the encoding below must
 * follow the column types of {@code journal} (V1__storage.sql): text as UTF-8, BIGINT as 8 bytes, INTEGER
 * as 4, BYTEA as is, NULL as length -1. The server still checks each value against its column (a too long
 * VARCHAR, a duplicate key), failing the transaction as a refused INSERT would.
 */
final class CopyInserts implements JournalInserts {

    static final String COPY = "COPY journal (" + JournalDao.COLUMNS + ") FROM STDIN (FORMAT binary)";

    private static final byte[] HEADER = {
        'P',
        'G',
        'C',
        'O',
        'P',
        'Y',
        '\n',
        (byte) 0xff,
        '\r',
        '\n',
        0, // signature
        0,
        0,
        0,
        0, // flags: no OIDs
        0,
        0,
        0,
        0 // no header extension
    };

    private static final int FIELDS = 9;

    private final CopyManager copies;
    private byte[] buffer = new byte[16 * 1024];
    private int length;
    private int rows;

    CopyInserts(Connection c) throws SQLException {
        this.copies = c.unwrap(PGConnection.class).getCopyAPI();
    }

    @Override
    public void add(JournalRow row) {
        if (rows == 0) {
            put(HEADER);
        }
        putShort(FIELDS);
        putText(row.persistenceId());
        putLong(row.sequenceNr());
        putText(row.writerUuid());
        putLong(row.writeTimestamp());
        putText(row.eventManifest());
        putInt(Integer.BYTES);
        putInt(row.encoded().serializerId());
        putText(row.encoded().manifest());
        putBytes(row.encoded().bytes());
        putText(row.tags());
        rows++;
    }

    @Override
    public void flush() throws SQLException {
        if (rows == 0) {
            return;
        }
        putShort(-1); // the trailer
        CopyIn copy = copies.copyIn(COPY);
        try {
            copy.writeToCopy(buffer, 0, length);
            long copied = copy.endCopy();
            if (copied != rows) {
                throw new SQLException("COPY into journal stored " + copied + " rows of " + rows);
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy(); // leaves the connection usable for the rollback
            }
        }
        length = 0;
        rows = 0;
    }

    @Override
    public void close() {
        buffer = null;
    }

    private void putText(String value) {
        if (value == null) {
            putInt(-1);
        } else {
            putBytes(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void putBytes(byte[] value) {
        putInt(value.length);
        put(value);
    }

    private void putLong(long value) {
        putInt(Long.BYTES);
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    private void putInt(int value) {
        room(4);
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putShort(int value) {
        room(2);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void put(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void room(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
