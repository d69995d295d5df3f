package dev.nl3jit.filter;

import java.time.Instant;
import java.util.Objects;

/**
 * What NL3 last said about a user's lock, trusted until {@code until}.
 *
 * @param locked    whether the user may not be approved (locked, or not enrolled where that is denied)
 * @param until     when the answer is too old to rely on (for the engine that asked: the moment it asked plus its
 *                  {@code nl3.lock-recheck})
 * @param checkedAt when NL3 was asked, or {@code null} when not known; an engine with a shorter
 *                  {@code nl3.lock-recheck} relies on the answer only until that long after this moment
 */
record LockState(boolean locked, Instant until, Instant checkedAt) {
    LockState {
        Objects.requireNonNull(until, "until");
    }

    /** An answer whose asking time is not known: relied on until {@code until}. */
    LockState(boolean locked, Instant until) {
        this(locked, until, null);
    }
}
