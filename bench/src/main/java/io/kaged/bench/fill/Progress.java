package io.kaged.bench.fill;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One phase of the fill as the operator watches it: a line every few seconds with done/total, rate and
 * time left, and a last line when the phase ends. Counting is thread-safe; printing happens on a timer
 * thread of its own.
 */
final class Progress implements AutoCloseable {

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final ScheduledExecutorService timer;

    private Progress(PrintStream out, String label, long total, Duration every) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kaged-fill-progress");
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        timer.scheduleAtFixedRate(this::report, ms, ms, TimeUnit.MILLISECONDS);
    }

    static Progress start(PrintStream out, String label, long total, Duration every) {
        return new Progress(out, label, total, every);
    }

    void add(long n) {
        done.addAndGet(n);
    }

    long done() {
        return done.get();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void report() {
        long d = done.get();
        double s = seconds();
        double rate = d / Math.max(s, 1e-3);
        String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", (total - d) / rate) : "?";
        out.printf(
                Locale.ROOT,
                "  %s: %,d / %,d (%.0f%%), %,.0f/s, %s left%n",
                label,
                d,
                total,
                100.0 * d / Math.max(1, total),
                rate,
                eta);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        out.printf(
                Locale.ROOT,
                "  %s: %,d in %.1f s (%,.0f/s)%n",
                label,
                done.get(),
                seconds(),
                done.get() / Math.max(seconds(), 1e-3));
    }
}
