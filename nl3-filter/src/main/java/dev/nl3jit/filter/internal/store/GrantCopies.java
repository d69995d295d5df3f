package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.GrantKey;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's copies of unlimited grants read from a shared backend, so that the grant path of a cluster is a map
 * lookup, like the in-memory store's, not a network round trip. Only unlimited grants are copied: a single-use or
 * counted grant is always used in the backend, where one use is one use on every node.
 *
 * <p>How long a copy is relied on, so that a lock still ends access within {@code nl3.lock-recheck} + 1 s on every
 * node: never past the grant's end, and never past the moment this node would stop relying on the newest answer of NL3
 * about the user's lock ({@link LockState#checkedAt()} + {@code nl3.lock-recheck}): a lock that happens after that
 * answer is learned by the next one, which is asked before then, and any node that learns it removes the grant from the
 * backend. Without such an answer no copy is made while lock checks are on; with them off ({@code nl3.lock-check=false}),
 * a copy is relied on at most {@code nl3.lock-recheck} from the read. A
 * revoke made on this node, a lock learned here and a new grant under the key end the copy at once; a failing backend
 * ends every copy at the next operation that notices it (the lock re-check looks every tenth of the interval), so a
 * partition refuses requests as it did before.
 */
final class GrantCopies {
    private final ConcurrentHashMap<GrantKey, Instant> until = new ConcurrentHashMap<>();
    private final Duration trust;
    private final boolean lockChecks;
    private final int max;
    /** Counts every forget and clear: a copy made from reads that one of them followed is not kept. */
    private final AtomicLong forgets = new AtomicLong();

    /**
     * @param trust {@code nl3.lock-recheck}
     * @param lockChecks whether NL3 is asked about locks ({@code nl3.lock-check})
     * @param max   copies at most ({@code nl3.max-entries}): past it, grants are read from the backend
     */
    GrantCopies(Duration trust, boolean lockChecks, int max) {
        this.trust = trust;
        this.lockChecks = lockChecks;
        this.max = max;
    }

    /** Whether a copy says {@code key}'s unlimited grant is live at {@code now}. */
    boolean live(GrantKey key, Instant now) {
        Instant end = until.get(key);
        if (end == null) {
            return false;
        }
        if (end.isAfter(now)) {
            return true;
        }
        until.remove(key, end);
        return false;
    }

    /** To take before reading a grant to copy, and to give to {@link #keep}. */
    long stamp() {
        return forgets.get();
    }

    /**
     * Copies {@code grant} (unlimited, live, just read from the backend at {@code now}), relied on as the lock answer
     * {@code lock} allows ({@code null}: none known); not when a forget or a clear happened since {@code stamp}. An
     * answer asked "later" than this node's now (another node's clock ahead) is relied on only from now.
     */
    void keep(GrantKey key, Grant grant, LockState lock, Instant now, long stamp) {
        if (lock != null ? lock.locked() : lockChecks) {
            return; // locked, or nothing known of the lock yet: read from the backend until the re-check knows
        }
        Instant end = grant.until();
        Instant bound = lock == null ? now.plus(trust)
                : lock.checkedAt() != null ? earlier(lock.until(), earlier(lock.checkedAt(), now).plus(trust)) : lock.until();
        end = earlier(end, bound);
        if (end.isAfter(now) && until.size() < max) {
            until.put(key, end);
            if (forgets.get() != stamp) {
                until.remove(key, end); // a forget raced the reads: it may have missed this copy
            }
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Ends the copy of {@code key}'s grant. */
    void forget(GrantKey key) {
        forgets.incrementAndGet();
        until.remove(key);
    }

    /** Ends every copy of {@code user}'s grants (a revoke, a lock). O(copies): rare. */
    void forget(String user) {
        forgets.incrementAndGet();
        until.keySet().removeIf(k -> k.user().equals(user));
    }

    /** Ends every copy (the backend failed). */
    void clear() {
        forgets.incrementAndGet();
        until.clear();
    }

    /** Drops the copies that ended. */
    void purge(Instant now) {
        until.values().removeIf(end -> !end.isAfter(now));
    }

    int size() {
        return until.size();
    }
}
