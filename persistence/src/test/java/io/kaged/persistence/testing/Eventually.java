package io.kaged.persistence.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes: for effects of real processes and actors. */
public final class Eventually {
    private Eventually() {}

    /** Waits until {@code condition} is true; an exception inside it counts as "not yet". */
    public static void waitFor(Duration limit, String what, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!test(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static boolean test(Callable<Boolean> condition) {
        try {
            return Boolean.TRUE.equals(condition.call());
        } catch (Exception notYet) {
            return false;
        }
    }
}
