package io.kaged.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Heap measurements: the live heap after a full collection, and the highest heap use seen while a phase
 * runs, sampled on the actor system's scheduler and dispatcher.
 */
final class HeapSampler {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final AtomicLong peak = new AtomicLong();
    private final Cancellable task;

    private HeapSampler(ActorSystem<?> system, Duration interval) {
        this.task = system.scheduler()
                .scheduleAtFixedRate(Duration.ZERO, interval, this::sample, system.executionContext());
    }

    static HeapSampler start(ActorSystem<?> system) {
        return new HeapSampler(system, Duration.ofMillis(20));
    }

    private void sample() {
        peak.accumulateAndGet(used(), Math::max);
    }

    /** Stops sampling and returns the highest heap use seen, in bytes. */
    long stop() {
        task.cancel();
        sample();
        return peak.get();
    }

    static long used() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Heap in use after full collections: what the live objects hold, in bytes. Call on the main thread. */
    static long usedAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return used();
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
