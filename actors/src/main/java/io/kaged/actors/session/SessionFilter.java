package io.kaged.actors.session;

import io.kaged.actors.query.Paging;
import io.kaged.actors.query.TranscriptSearch;

/**
 * Filters and paging of {@code GET /v1/sessions}; nulls mean "any". Times are epoch milliseconds, {@code
 * createdAfter} inclusive and {@code createdBefore} exclusive.
 *
 * @param transcriptContains keep only sessions whose kept transcript contains this text
 */
public record SessionFilter(
        String state,
        String project,
        Long createdAfter,
        Long createdBefore,
        TranscriptSearch transcriptContains,
        Paging paging) {

    /** Every session, first page. */
    public static SessionFilter all() {
        return new SessionFilter(null, null, null, null, null, Paging.first());
    }
}
