package io.kaged.actors;

import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.journal.JournalProjection;
import io.kaged.persistence.store.Ids;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The projection of one kind of owner of a journal (runs, sessions): it projects the events of that kind's
 * persistence ids only, and writes the rows the kinds share (the owner's state, output into
 * {@code transcripts}, {@code checkpoints}) the same way.
 *
 * @param <E> the kind's event type
 */
public abstract class OwnerProjection<E> implements JournalProjection {

    private final String kind;
    private final String table;
    private final String prefix;
    private final Class<E> events;

    /**
     * @param kind "run" or "session": the persistence id's prefix and the checkpoints' owner kind
     * @param table the kind's query table
     */
    protected OwnerProjection(String kind, String table, Class<E> events) {
        this.kind = kind;
        this.table = table;
        this.prefix = kind + "|";
        this.events = events;
    }

    @Override
    public final boolean projects(String persistenceId, Object event) {
        return persistenceId.startsWith(prefix) && events.isInstance(event);
    }

    @Override
    public final void project(Connection c, String persistenceId, long sequenceNr, long timestamp, Object event)
            throws SQLException {
        if (projects(persistenceId, event)) {
            project(c, persistenceId.substring(prefix.length()), sequenceNr, events.cast(event));
        }
    }

    /** Projects one event of owner {@code id}, in the journal's transaction. */
    protected abstract void project(Connection c, String id, long sequenceNr, E event) throws SQLException;

    protected void state(Connection c, String id, String state, long at) throws SQLException {
        Sql.update(c, "UPDATE " + table + " SET state = ?, updated_at = ? WHERE id = ?", state, at, id);
    }

    /** A pause: the owner is paused, and the pause is a checkpoint at its event. */
    protected void paused(Connection c, String id, long sequenceNr, String checkpointId, long at) throws SQLException {
        state(c, id, "paused", at);
        checkpoint(c, checkpointId, id, sequenceNr, null, "pause", at);
    }

    /** A batch of output: the journal row has no bytes, so an event without them is a bug, not an empty batch. */
    protected void transcript(Connection c, String id, long chunkSeq, String stream, long at, byte[] data)
            throws SQLException {
        if (data == null) {
            throw new SQLException("output batch " + chunkSeq + " of " + kind + " " + id + " carries no bytes");
        }
        Sql.update(
                c,
                "INSERT INTO transcripts (owner_id, chunk_seq, stream, at, data) VALUES (?, ?, ?, ?, ?)",
                id,
                chunkSeq,
                stream,
                at,
                data);
    }

    /** A checkpoint of owner {@code id} at event {@code sequenceNr}: {@code reason} is pause or manual. */
    protected void checkpoint(
            Connection c, String checkpointId, String id, long sequenceNr, String label, String reason, long at)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO checkpoints (id, owner_kind, owner_id, sequence_nr, label, reason, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                checkpointId,
                kind,
                id,
                sequenceNr,
                label,
                reason,
                at);
    }

    /**
     * An audit row for an event kaged itself decided (a sandbox applied, refused or skipped), written with
     * the event in the journal's transaction, so the row exists exactly when the event does.
     */
    protected void audit(Connection c, String kind, String id, String outcome, String detail, long at)
            throws SQLException {
        AuditLog.insert(
                c, List.of(new AuditEntry(Ids.newId(), Instant.ofEpochMilli(at), "daemon", kind, id, outcome, detail)));
    }
}
