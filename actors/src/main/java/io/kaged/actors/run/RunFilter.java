package io.kaged.actors.run;

import io.kaged.actors.query.Paging;
import io.kaged.actors.query.TranscriptSearch;

/**
 * Filters and paging of {@code GET /v1/runs}; nulls mean "any". Times are epoch milliseconds, {@code
 * createdAfter} inclusive and {@code createdBefore} exclusive, so consecutive ranges neither overlap nor
 * leave gaps.
 *
 * @param command the program's file name ({@code command_name}: argv[0] without its folder)
 * @param outputContains keep only runs whose recorded stdout or stderr contains this text
 */
public record RunFilter(
        String state,
        String project,
        String parentId,
        Integer exitCode,
        String command,
        Long createdAfter,
        Long createdBefore,
        TranscriptSearch outputContains,
        Paging paging) {

    /** Every run, first page. */
    public static RunFilter all() {
        return new RunFilter(null, null, null, null, null, null, null, null, Paging.first());
    }
}
