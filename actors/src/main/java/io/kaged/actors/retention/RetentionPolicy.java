package io.kaged.actors.retention;

import java.time.Duration;
import java.time.Instant;

/**
 * What the store keeps: finished runs for {@code runsFinishedOlderThan}, ended sessions for {@code
 * sessionsEndedOlderThan}, and at most {@code transcriptMaxBytesPerRun} of a finished run's output (its
 * newest). Each rule is off when null. A run goes only with its whole subtree: a run with a child that the
 * policy keeps is kept too. Live runs and sessions are never touched, nor is the audit log.
 */
public record RetentionPolicy(
        Duration runsFinishedOlderThan, Duration sessionsEndedOlderThan, Long transcriptMaxBytesPerRun) {

    /** The policy's rules as of one moment: epoch-ms cutoffs and the byte bound, null where a rule is off. */
    public record Criteria(Long runsEndedBefore, Long sessionsEndedBefore, Long transcriptMaxBytesPerRun) {}

    public Criteria at(Instant now) {
        return new Criteria(
                runsFinishedOlderThan == null
                        ? null
                        : now.minus(runsFinishedOlderThan).toEpochMilli(),
                sessionsEndedOlderThan == null
                        ? null
                        : now.minus(sessionsEndedOlderThan).toEpochMilli(),
                transcriptMaxBytesPerRun);
    }

    /** For the log: "finished runs after 90d, ended sessions after 90d, run output over 256 MiB per run". */
    public String describe() {
        return "finished runs after " + age(runsFinishedOlderThan) + ", ended sessions after "
                + age(sessionsEndedOlderThan) + ", run output over "
                + (transcriptMaxBytesPerRun == null ? "(off)" : (transcriptMaxBytesPerRun >> 10) + " KiB")
                + " per run";
    }

    private static String age(Duration d) {
        if (d == null) {
            return "(off)";
        }
        if (d.toMillis() % Duration.ofDays(1).toMillis() == 0) {
            return d.toDays() + "d";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
