package io.kaged.bench.fill;

import com.github.f4b6a3.uuid.factory.standard.TimeOrderedEpochFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;

/**
 * The creation times of {@code n} made-up things spread evenly at random over a window, strictly
 * increasing, each with the UUIDv7 it would have got at that moment. kaged lists by id and relies on id
 * order being creation order; strictly increasing milliseconds keep that true here, since a v7 id starts
 * with its millisecond.
 */
final class Timeline {

    private final long[] times;
    private final String[] ids;

    private Timeline(long[] times, String[] ids) {
        this.times = times;
        this.ids = ids;
    }

    static Timeline of(int n, Instant start, Instant end, Random random) {
        long from = start.toEpochMilli();
        long span = Math.max(1, end.toEpochMilli() - from - n);
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = from + (long) (random.nextDouble() * span);
        }
        Arrays.sort(times);
        for (int i = 1; i < n; i++) {
            times[i] = Math.max(times[i], times[i - 1] + 1);
        }
        SteppedClock clock = new SteppedClock();
        TimeOrderedEpochFactory factory = new TimeOrderedEpochFactory(random, clock);
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            // The factory puts the instant's sub-millisecond part in rand_a, as it does with the system clock.
            clock.instant = Instant.ofEpochMilli(times[i]).plusNanos(random.nextInt(1_000_000));
            ids[i] = factory.create().toString();
        }
        return new Timeline(times, ids);
    }

    int size() {
        return times.length;
    }

    long at(int i) {
        return times[i];
    }

    String id(int i) {
        return ids[i];
    }

    /** The last index created at or before {@code time}; 0 when none was. */
    int latestAt(long time) {
        int i = Arrays.binarySearch(times, time);
        return i >= 0 ? i : Math.max(0, -i - 2);
    }

    /** A clock the id factory reads, set to each item's creation time in turn. */
    private static final class SteppedClock extends Clock {
        Instant instant = Instant.EPOCH;

        @Override
        public long millis() {
            return instant.toEpochMilli();
        }

        @Override
        public Instant instant() {
            return instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a stepped clock has UTC only");
        }
    }
}
