package io.kaged.persistence.journal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps a SQL query table in step with the journal: called for every event inside the very transaction
 * that inserts it, so a query table can never show what recovery would not rebuild, nor miss what it
 * would. Implementations touch only their own tables and must be idempotent for one (id, seq).
 */
@FunctionalInterface
public interface JournalProjection {
    void project(Connection connection, String persistenceId, long sequenceNr, long timestamp, Object event)
            throws SQLException;
}
