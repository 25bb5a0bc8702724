package io.kaged.actors.audit;

import io.kaged.actors.query.Paging;

/**
 * Filters and paging of {@code GET /v1/audit}; nulls mean "any". Times are epoch milliseconds, {@code
 * after} inclusive and {@code before} exclusive.
 *
 * @param kind an exact kind ({@code run.dispatch}), or a prefix ending in {@code .*} ({@code run.*})
 */
public record AuditFilter(String kind, String subject, Long after, Long before, Paging paging) {

    /** Whether {@link #kind} names a family ({@code run.*}) rather than one kind. */
    public boolean kindIsPrefix() {
        return kind != null && kind.endsWith(".*");
    }
}
