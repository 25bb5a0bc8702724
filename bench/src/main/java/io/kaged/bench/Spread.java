package io.kaged.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The median and range of a phase's timed rounds. On a shared 2-core VM one round's figure moves by half
 * from one minute to the next (docs/benchmarks.md), so a single round says little about a target.
 */
record Spread(double median, double min, double max, int rounds) {

    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no rounds");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** "50,082" for one round, "50,082 (46,922–53,100)" for several. */
    String format() {
        return format("%,.0f");
    }

    /** Shares from 0 to 1 as whole percents, lowest to highest: "0–7", or "3" when all round alike. */
    String percentRange() {
        long low = Math.round(100 * min);
        long high = Math.round(100 * max);
        return low == high ? Long.toString(low) : low + "–" + high;
    }

    /** {@link #format()} with each figure in {@code number}'s format, such as "%.1f" for "31.4 (30.2–33.0)". */
    String format(String number) {
        String middle = String.format(Locale.ROOT, number, median);
        return rounds == 1
                ? middle
                : String.format(
                        Locale.ROOT,
                        "%s (%s–%s)",
                        middle,
                        String.format(Locale.ROOT, number, min),
                        String.format(Locale.ROOT, number, max));
    }
}
