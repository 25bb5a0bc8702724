package io.kaged.bench;

import java.util.Arrays;
import java.util.List;

/** Request latencies of one query, in nanoseconds, and their percentiles by nearest rank. */
record Latencies(long[] sorted) {

    static Latencies of(List<Long> nanos) {
        long[] a = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        if (a.length == 0) {
            throw new IllegalArgumentException("no latencies measured");
        }
        return new Latencies(a);
    }

    /** The {@code q} quantile (0 < q ≤ 1) in milliseconds: the smallest value with q of them at or below it. */
    double millis(double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    double maxMillis() {
        return sorted[sorted.length - 1] / 1e6;
    }
}
