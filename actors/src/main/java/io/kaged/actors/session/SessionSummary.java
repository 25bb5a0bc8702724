package io.kaged.actors.session;

/** A session as its actor knows it, for replies to commands. */
public record SessionSummary(
        String id,
        String state,
        Long osPid,
        Integer exitCode,
        int restarts,
        int cols,
        int rows,
        long transcriptBytes) {}
