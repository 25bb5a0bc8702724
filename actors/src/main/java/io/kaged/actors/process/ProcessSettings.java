package io.kaged.actors.process;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.function.IntToLongFunction;

/**
 * What the process core of a run or a session is bounded by, read from {@code kaged.runs} or {@code
 * kaged.sessions}.
 *
 * @param flushBytes output is recorded in batches of at most this, and as soon as this much waits
 * @param flushInterval ... or this long after a batch's first byte
 * @param maxUnrecordedBytes the readers wait while this much output waits to be taken
 * @param killGrace after asking a process to end, how long before SIGKILL
 * @param maxWaitingCommands commands that need the process wait for it, at most this many ...
 * @param maxCommandWait ... and at most this long (ADR-0057)
 */
public record ProcessSettings(
        int flushBytes,
        Duration flushInterval,
        long maxUnrecordedBytes,
        Duration killGrace,
        int maxWaitingCommands,
        Duration maxCommandWait) {

    /**
     * The keys that {@code kaged.runs} and {@code kaged.sessions} share, read from {@code c}, one of them;
     * how much output may wait unrecorded is each kind's own, from its flush-bytes.
     */
    public static ProcessSettings read(Config c, IntToLongFunction maxUnrecordedBytes) {
        int flushBytes = c.getBytes("flush-bytes").intValue();
        return new ProcessSettings(
                flushBytes,
                c.getDuration("flush-interval"),
                maxUnrecordedBytes.applyAsLong(flushBytes),
                c.getDuration("kill-grace"),
                c.getInt("max-waiting-commands"),
                c.getDuration("max-command-wait"));
    }
}
