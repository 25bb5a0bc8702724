package io.kaged.actors.session;

/** Filters and paging of {@code GET /v1/sessions}; nulls mean "any". */
public record SessionFilter(
        String state, String project, Long createdAfter, Long createdBefore, int limit, int offset) {}
