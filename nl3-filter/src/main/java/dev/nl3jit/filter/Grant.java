package dev.nl3jit.filter;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A live approval as the store keeps it: until when it lasts and how many uses are left.
 *
 * @param until    the moment it ends (counted from the approval)
 * @param usesLeft how many requests it still lets through, or {@link #UNLIMITED}
 */
public record Grant(Instant until, int usesLeft) implements Serializable {
    /** {@link #usesLeft()} of a grant bounded by its duration only. */
    public static final int UNLIMITED = -1;

    public Grant {
        Objects.requireNonNull(until, "until");
        if (usesLeft == 0 || usesLeft < UNLIMITED) {
            throw new IllegalArgumentException("a grant has at least one use left, or is unlimited (-1): " + usesLeft);
        }
    }

    /** Whether it still lets a request through at {@code now}. */
    public boolean liveAt(Instant now) {
        return until.isAfter(now);
    }

    /** This grant after one use, or {@code null} when that was its last. */
    public Grant afterOneUse() {
        if (usesLeft == UNLIMITED) {
            return this;
        }
        return usesLeft == 1 ? null : new Grant(until, usesLeft - 1);
    }
}
