package dev.nl3jit.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that runs with its base and can be moved forward, so tests see expiry without sleeping. */
final class OffsetClock extends Clock {
    private final Clock base;
    private final AtomicReference<Duration> offset;

    OffsetClock(Clock base) {
        this(base, new AtomicReference<>(Duration.ZERO));
    }

    private OffsetClock(Clock base, AtomicReference<Duration> offset) {
        this.base = base;
        this.offset = offset;
    }

    void advance(Duration by) {
        offset.updateAndGet(d -> d.plus(by));
    }

    void resetOffset() {
        offset.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new OffsetClock(base.withZone(zone), offset);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }
}
