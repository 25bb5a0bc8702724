package io.kaged.persistence.journal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps a SQL query table in step with the journal: called for every event it {@link #projects}, inside
 * the very transaction that inserts it, so a query table can never show what recovery would not rebuild,
 * nor miss what it would. Implementations touch only their own tables and must be idempotent for one
 * (id, seq).
 */
@FunctionalInterface
public interface JournalProjection {
    void project(Connection connection, String persistenceId, long sequenceNr, long timestamp, Object event)
            throws SQLException;

    /**
     * Whether {@link #project} is to be called for this event: it is not when this says no. A group of
     * events that no projection projects can be stored by one statement that needs no transaction around
     * it (PostgreSQL's {@code COPY}), which saves the server two of its four round trips. The default,
     * true, is always safe.
     */
    default boolean projects(String persistenceId, Object event) {
        return true;
    }
}
