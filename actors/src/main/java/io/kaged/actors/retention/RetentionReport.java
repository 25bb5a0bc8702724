package io.kaged.actors.retention;

import io.kaged.actors.Removed;
import java.time.Instant;

/**
 * What a retention pass removed, or with {@code dryRun} what it would remove, by kind: whole {@code runs}
 * (with their subtrees), whole {@code sessions}, and the oldest output of runs over the per-run bound
 * ({@code transcripts}, counted in runs trimmed). {@code complete} is false when a limit stopped the pass
 * before everything the policy names was removed; {@code skipped} counts runs left because their actor
 * would not stop.
 */
public record RetentionReport(
        boolean dryRun,
        boolean complete,
        Criteria criteria,
        Part runs,
        Part sessions,
        Part transcripts,
        long bytes,
        int batches,
        long skipped) {

    /** The policy as applied: ISO-8601 cutoffs, null where a rule is off. */
    public record Criteria(String runsEndedBefore, String sessionsEndedBefore, Long transcriptMaxBytesPerRun) {
        static Criteria of(RetentionPolicy.Criteria k) {
            return new Criteria(iso(k.runsEndedBefore()), iso(k.sessionsEndedBefore()), k.transcriptMaxBytesPerRun());
        }
    }

    /** One kind: how many, what of them, and the oldest and newest end time among them. */
    public record Part(
            long count,
            long events,
            long snapshots,
            long checkpoints,
            long chunks,
            long bytes,
            String oldestEndedAt,
            String newestEndedAt) {

        static final Part NONE = of(Removed.NONE, null, null);

        static Part of(Removed r, Long oldest, Long newest) {
            return new Part(
                    r.items(),
                    r.events(),
                    r.snapshots(),
                    r.checkpoints(),
                    r.chunks(),
                    r.bytes(),
                    iso(oldest),
                    iso(newest));
        }
    }

    static RetentionReport of(
            boolean dryRun,
            boolean complete,
            RetentionPolicy.Criteria criteria,
            Part runs,
            Part sessions,
            Part transcripts,
            int batches,
            long skipped) {
        return new RetentionReport(
                dryRun,
                complete,
                Criteria.of(criteria),
                runs,
                sessions,
                transcripts,
                runs.bytes() + sessions.bytes() + transcripts.bytes(),
                batches,
                skipped);
    }

    /** Nothing to remove, or nothing removed. */
    public boolean empty() {
        return runs.count() == 0 && sessions.count() == 0 && transcripts.count() == 0;
    }

    private static String iso(Long epochMs) {
        return epochMs == null ? null : Instant.ofEpochMilli(epochMs).toString();
    }
}
