package io.kaged.actors.run;

import com.typesafe.config.Config;
import io.kaged.actors.process.ProcessSettings;
import java.time.Duration;

/**
 * {@code kaged.runs}, read once; see reference.conf.
 *
 * @param process what the process core of a run's attempt needs
 */
public record RunSettings(
        ProcessSettings process,
        Duration minBackoff,
        Duration maxBackoff,
        Duration passivateAfter,
        Duration cascadeWait) {

    /** How many batches of output an attempt may have waiting before its readers (and so it) wait. */
    private static final int OUTPUT_BUFFER_BATCHES = 16;

    public static RunSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.runs");
        return new RunSettings(
                ProcessSettings.read(c, flushBytes -> OUTPUT_BUFFER_BATCHES * (long) flushBytes),
                c.getDuration("retry.min-backoff"),
                c.getDuration("retry.max-backoff"),
                c.getDuration("passivate-after"),
                c.getDuration("cascade-wait"));
    }

    /** Delay before retry number {@code retry} (1 for the first retry). */
    public Duration backoff(int retry) {
        long ms = minBackoff.toMillis() << Math.min(Math.max(retry - 1, 0), 20);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
