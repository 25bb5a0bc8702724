package io.kaged.actors.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of a list as the API returns it.
 *
 * @param next the cursor for the following page (pass it as {@code after}, or {@code cursor} on the
 *     audit log), or null when this is the last page
 * @param search what a text search scanned to build this page; absent when the list had no text filter
 */
public record Page<T>(
        List<T> items,
        int limit,
        int offset,
        String next,
        @JsonInclude(JsonInclude.Include.NON_NULL) TranscriptSearch.Report search) {}
