package io.kaged.daemon.serve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock plus an offset a test moves forward, so "90 days later" needs no waiting; frozen, it
 * stands still, so two requests see the same moment.
 */
public final class MovableClock extends Clock {

    private final AtomicLong offsetMs = new AtomicLong();
    private final AtomicLong frozenAt = new AtomicLong(-1);

    public void advance(Duration d) {
        offsetMs.addAndGet(d.toMillis());
    }

    public void freeze() {
        frozenAt.set(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("kaged runs on UTC");
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        long frozen = frozenAt.get();
        return frozen >= 0 ? frozen : System.currentTimeMillis() + offsetMs.get();
    }
}
