package io.kaged.actors.session;

/**
 * Filters and paging of {@code GET /v1/sessions}; nulls mean "any". {@code after} is a cursor: only ids
 * greater than it, so a deep page costs what the first does.
 */
public record SessionFilter(
        String state, String project, Long createdAfter, Long createdBefore, String after, int limit, int offset) {}
