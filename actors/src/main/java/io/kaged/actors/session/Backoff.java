package io.kaged.actors.session;

import java.time.Duration;

/**
 * Exponential restart delay with a cap that resets: a process that stayed up for {@code resetAfter} is
 * healthy again, so its next crash waits {@code min} again (systemd's counter never resets).
 */
public record Backoff(Duration min, Duration max, Duration resetAfter) {

    /**
     * @param failuresInARow restarts since the last healthy run, before this one
     * @return the delay before restart number {@code failuresInARow + 1}
     */
    public Duration delay(int failuresInARow) {
        long ms = min.toMillis() << Math.min(failuresInARow, 20);
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    public boolean ranLongEnough(Duration ranFor) {
        return ranFor.compareTo(resetAfter) >= 0;
    }
}
