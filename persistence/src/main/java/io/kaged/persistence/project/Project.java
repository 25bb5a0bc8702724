package io.kaged.persistence.project;

import java.time.Instant;

/**
 * A row of {@code projects}: a name that groups sessions and runs, with its config.
 *
 * @param config a JSON object as text, validated by the caller before it is stored
 * @param updatedAt when the config was last replaced (prompt versions carry their own times)
 */
public record Project(String id, String name, String config, Instant createdAt, Instant updatedAt) {}
