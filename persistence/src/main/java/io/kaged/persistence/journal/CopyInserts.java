package io.kaged.persistence.journal;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Journal rows as one PostgreSQL {@code COPY ... FROM STDIN (FORMAT binary)}, unless they are {@link #FEW}.
 * Rows are only collected as they are added, because no other statement (a projection) may run on the
 * connection while a COPY is open; the flush then streams them through a small buffer, so a group of large
 * payloads (output batches of 256 KiB) is never copied whole in memory.
 *
 * <p>The binary format carries each value in the column's own binary form, so the encoding below must
 * follow the column types of {@code journal} (V1__storage.sql, V4__metadata.sql): text as UTF-8, BIGINT as 8 bytes, INTEGER
 * as 4, BYTEA as is, NULL as length -1. The server still checks each value against its column (a too long
 * VARCHAR, a duplicate key), failing the transaction as a refused INSERT would.
 */
final class CopyInserts implements JournalInserts {

    static final String COPY = "COPY journal (" + JournalDao.COLUMNS + ") FROM STDIN (FORMAT binary)";

    /** The binary format's fixed signature, which starts every COPY. */
    private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);

    private static final int FIELDS = 12;

    /** What is sent to the server at a time; a value larger than a quarter of it goes out on its own. */
    private static final int BUFFER = 64 * 1024;

    /**
     * Rows up to this many, in a transaction, go as a JDBC batch instead: a {@code COPY} costs two round trips to
     * the server (its start, then its data and end), a batch of a few inserts one, and a transaction's statements
     * are all or nothing anyway. A single event, the common persist, goes as one insert even auto-committed: one
     * statement still.
     */
    static final int FEW = 8;

    private final Connection connection;
    private final CopyManager copies;
    private final List<JournalRow> pending = new ArrayList<>();
    /** Made at the first flush of few rows. */
    private BatchInserts few;
    /** Made at the first flush: a group may be only a read or a delete. */
    private byte[] buffer;

    private int length;
    private CopyIn copy;

    CopyInserts(Connection c) throws SQLException {
        this.connection = c;
        this.copies = c.unwrap(PGConnection.class).getCopyAPI();
    }

    @Override
    public void add(JournalRow row) {
        pending.add(row);
    }

    @Override
    public void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        if (pending.size() == 1 || (pending.size() <= FEW && !connection.getAutoCommit())) {
            if (few == null) {
                few = new BatchInserts(connection);
            }
            for (JournalRow row : pending) {
                few.add(row);
            }
            pending.clear();
            few.flush();
            return;
        }
        if (buffer == null) {
            buffer = new byte[BUFFER];
        }
        copy = copies.copyIn(COPY);
        try {
            put(SIGNATURE);
            putInt(0); // flags: no OIDs
            putInt(0); // no header extension
            for (JournalRow row : pending) {
                encode(row);
            }
            putShort(-1); // the trailer
            send();
            long copied = copy.endCopy();
            if (copied != pending.size()) {
                throw new SQLException("COPY into journal stored " + copied + " rows of " + pending.size());
            }
        } catch (Throwable e) {
            // Also on an Error: an open COPY holds the driver's lock, and the rollback would wait for it forever.
            cancel(e);
            throw e;
        } finally {
            copy = null;
            length = 0;
        }
        pending.clear();
    }

    @Override
    public void close() throws SQLException {
        pending.clear();
        if (few != null) {
            few.close();
        }
    }

    /** Leaves the connection usable for the rollback; a failure to cancel is kept beside the cause. */
    private void cancel(Throwable cause) {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void encode(JournalRow row) throws SQLException {
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
        Encoded meta = row.metadata();
        if (meta == null) {
            putInt(-1);
            putInt(-1);
            putInt(-1);
        } else {
            putInt(Integer.BYTES);
            putInt(meta.serializerId());
            putText(meta.manifest());
            putBytes(meta.bytes());
        }
    }

    private void putText(String value) throws SQLException {
        if (value == null) {
            putInt(-1);
        } else {
            putBytes(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void putBytes(byte[] value) throws SQLException {
        putInt(value.length);
        put(value);
    }

    private void putLong(long value) throws SQLException {
        putInt(Long.BYTES);
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    private void putInt(int value) throws SQLException {
        room(4);
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putShort(int value) throws SQLException {
        room(2);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void put(byte[] bytes) throws SQLException {
        if (bytes.length > BUFFER / 4) {
            send();
            copy.writeToCopy(bytes, 0, bytes.length);
            return;
        }
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void room(int more) throws SQLException {
        if (length + more > buffer.length) {
            send();
        }
    }

    private void send() throws SQLException {
        if (length > 0) {
            copy.writeToCopy(buffer, 0, length);
            length = 0;
        }
    }
}
