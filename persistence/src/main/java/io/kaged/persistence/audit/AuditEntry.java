package io.kaged.persistence.audit;

import java.time.Instant;

/**
 * One row of the append-only audit log.
 *
 * @param actor who asked: "cli", "api:<token name>", "daemon", "policy:<name>"
 * @param kind what happened, dotted: "backup.create", "session.start", "run.pause"
 * @param subject what it happened to: an id or a path; may be null
 * @param outcome "ok", "refused" or "failed"
 * @param detail a sentence or small JSON for a person; never a secret
 */
public record AuditEntry(
        String id, Instant at, String actor, String kind, String subject, String outcome, String detail) {}
