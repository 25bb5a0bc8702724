package io.kaged.actors.run;

import com.typesafe.config.Config;
import io.kaged.actors.process.ProcessSettings;
import java.time.Duration;

/** {@code kaged.runs}, read once; see reference.conf. */
public record RunSettings(
        Duration flushInterval,
        int flushBytes,
        Duration minBackoff,
        Duration maxBackoff,
        Duration killGrace,
        Duration passivateAfter,
        int maxWaitingCommands,
        Duration maxCommandWait,
        Duration cascadeWait) {

    public static RunSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.runs");
        return new RunSettings(
                c.getDuration("flush-interval"),
                c.getBytes("flush-bytes").intValue(),
                c.getDuration("retry.min-backoff"),
                c.getDuration("retry.max-backoff"),
                c.getDuration("kill-grace"),
                c.getDuration("passivate-after"),
                c.getInt("max-waiting-commands"),
                c.getDuration("max-command-wait"),
                c.getDuration("cascade-wait"));
    }

    /** How many batches of output an attempt may have waiting before its readers (and so it) wait. */
    private static final int OUTPUT_BUFFER_BATCHES = 16;

    /** What the process core of a run's attempt needs. */
    public ProcessSettings process() {
        return new ProcessSettings(
                flushBytes,
                flushInterval,
                OUTPUT_BUFFER_BATCHES * (long) flushBytes,
                killGrace,
                maxWaitingCommands,
                maxCommandWait);
    }

    /** Delay before retry number {@code retry} (1 for the first retry). */
    public Duration backoff(int retry) {
        long ms = minBackoff.toMillis() << Math.min(Math.max(retry - 1, 0), 20);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
