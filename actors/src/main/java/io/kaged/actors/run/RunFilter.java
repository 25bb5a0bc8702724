package io.kaged.actors.run;

/** Filters and paging of {@code GET /v1/runs}; nulls mean "any"; {@code after} is an id cursor. */
public record RunFilter(
        String state,
        String project,
        String parentId,
        Long createdAfter,
        Long createdBefore,
        String after,
        int limit,
        int offset) {}
