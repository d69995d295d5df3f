package dev.nl3jit.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that runs with its base (by default the system clock) and can be moved forward, so tests see
 * expiry without sleeping while polling still ticks in real time. Give the same instance to the sandbox
 * and to the code under test.
 */
public final class MovableClock extends Clock {
    private final Clock base;
    private final AtomicReference<Duration> offset;

    /** Real time, movable. */
    public MovableClock() {
        this(Clock.systemUTC());
    }

    /** {@code base}, movable. */
    public MovableClock(Clock base) {
        this(base, new AtomicReference<>(Duration.ZERO));
    }

    private MovableClock(Clock base, AtomicReference<Duration> offset) {
        this.base = base;
        this.offset = offset;
    }

    /** Moves this clock forward. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        offset.updateAndGet(d -> d.plus(by));
    }

    /** Back to the base clock's time. */
    public void resetOffset() {
        offset.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new MovableClock(base.withZone(zone), offset);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }
}
