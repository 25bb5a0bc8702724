package io.kaged.actors.audit;

/**
 * One audit row as the API shows it.
 *
 * @param at when, ISO-8601 UTC
 * @param actor who asked: {@code api}, {@code run:<id>} for a run's scoped token, {@code cli:<user>}
 * @param kind what happened, dotted: {@code run.dispatch}, {@code session.purge}, {@code backup.create}
 * @param subject what it happened to: an id or a path; may be null
 * @param outcome {@code ok}, {@code refused} or {@code failed}
 */
public record AuditView(
        String id, String at, String actor, String kind, String subject, String outcome, String detail) {}
