package dev.nl3jit.filter.internal.nl3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many calls a node makes to NL3 per second ({@code nl3.max-status-calls}; every engine of an application shares one,
 * see {@link Nl3Budgets}): every call counts (status checks,
 * lock checks, approval requests, cancels), and the limit holds in <em>every</em> window of one second, not on
 * average: a call is made only while fewer than the limit were made in the second before it (a log of the last
 * second's calls; no burst after a quiet spell).
 *
 * <p>When the budget is short, work yields in this order (the first never yields to the others):
 * <ol>
 * <li>{@link Use#USER}: what a user waits for on their own request (the lock check and the approval request of a first
 * request, a cancel, the lock check before a grant is recorded) may use the whole budget; over it, it waits for room
 * (at most {@link #USER_WAIT_NANOS}) and then fails as busy (503), so a flood never pushes the budget over;</li>
 * <li>{@link Use#LOCK_RECHECK}: the background lock re-checks may make up to all but the users' tenth and the status
 * checks' tenth ({@link #lockRecheckShare()}); the re-check says how many calls a second it needs
 * ({@link #expectLockRechecks}), and that much is kept from status checks;</li>
 * <li>{@link Use#STATUS}: status checks of waiting pages use what is left, at least a tenth of the budget.</li>
 * </ol>
 * Each use's calls of the last second are counted apart, so no use can take what is kept for another.
 * Time is {@link System#nanoTime()} (it measures rates, not dates; not the injected clock), or a source given by tests.
 */
public final class Nl3Budget {
    /** Who calls, in the order in which they are served when the budget is short. */
    public enum Use {
        USER, LOCK_RECHECK, STATUS
    }

    static final long SECOND = 1_000_000_000L;
    /** The longest a user's own call waits for room in the budget before it fails as busy. */
    public static final long USER_WAIT_NANOS = SECOND;
    /** Calls a second; only ever lowered ({@link #narrowTo}), so the ring below always has room. */
    private volatile int perSecond;
    /** Calls a second only users' own calls may use. */
    private volatile int userReserve;
    /** Calls a second status checks may always use, whatever the lock re-checks need. */
    private volatile int statusFloor;
    private final LongSupplier nanos;
    /** When each call of the last second was made, oldest first, in a ring, and for which use. */
    private final long[] made;
    private final byte[] madeFor;
    /** Calls of the last second per use. */
    private final int[] byUse = new int[Use.values().length];
    private int oldest;
    private int count;
    /** Calls a second kept for lock re-checks (what they said they need, capped). */
    private volatile int lockReserve;
    /** What the lock re-checks said they need, uncapped (all of them: engines sharing this budget each have theirs). */
    private volatile int lockNeed;
    private final Map<Object, Integer> lockNeeds = new ConcurrentHashMap<>();

    public Nl3Budget(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    public Nl3Budget(int perSecond, LongSupplier nanos) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("at least one call a second");
        }
        this.perSecond = perSecond;
        this.userReserve = perSecond / 10;
        this.statusFloor = Math.max(1, perSecond / 10);
        this.nanos = nanos;
        this.made = new long[perSecond];
        this.madeFor = new byte[perSecond];
    }

    public int perSecond() {
        return perSecond;
    }

    /** The most calls a second that {@code use} may make (what is kept for the others is kept from it). */
    public int limit(Use use) {
        return switch (use) {
            case USER -> perSecond;
            case LOCK_RECHECK -> lockRecheckShare();
            case STATUS -> Math.max(statusFloor, perSecond - userReserve - lockReserve);
        };
    }

    /** The most lock re-checks a second this budget can give: all but the users' reserve and the status floor. */
    public int lockRecheckShare() {
        return Math.max(1, perSecond - userReserve - statusFloor);
    }

    /**
     * Lowers the budget to {@code limit} calls a second when that is less than it is (engines sharing one budget and
     * configured apart: the smallest wins); never raises it.
     *
     * @return the calls a second now
     */
    public synchronized int narrowTo(int limit) {
        if (limit >= 1 && limit < perSecond) {
            perSecond = limit;
            userReserve = limit / 10;
            statusFloor = Math.max(1, limit / 10);
            lockReserve = Math.min(lockNeed, lockRecheckShare());
        }
        return perSecond;
    }

    /**
     * One engine's lock re-checks ({@code asker}) say how many calls a second they need; what all of them need (at most
     * {@link #lockRecheckShare()}) is kept from status checks. A need of 0 (or less) forgets the asker.
     */
    public void expectLockRechecks(Object asker, int callsPerSecond) {
        if (callsPerSecond > 0) {
            lockNeeds.put(asker, callsPerSecond);
        } else {
            lockNeeds.remove(asker);
        }
        int sum = 0;
        for (int n : lockNeeds.values()) {
            sum = (int) Math.min(Integer.MAX_VALUE, (long) sum + n);
        }
        lockNeed = sum;
        lockReserve = Math.min(sum, lockRecheckShare());
    }

    /** What the lock re-checks last said they need, calls a second. */
    public int lockRecheckNeed() {
        return lockNeed;
    }

    /** Takes one call for {@code use}, or says there is no room for it now. */
    public boolean tryTake(Use use) {
        return waitNanos(use, true) == 0;
    }

    /**
     * Takes one call for {@code use}, waiting for room at most {@code maxWaitNanos}.
     *
     * @return {@code false} when there was no room within that time (or the thread was interrupted: the flag is kept)
     */
    public boolean take(Use use, long maxWaitNanos) {
        long deadline = nanos.getAsLong() + maxWaitNanos;
        while (true) {
            long wait = waitNanos(use, true);
            if (wait == 0) {
                return true;
            }
            long left = deadline - nanos.getAsLong();
            if (left <= 0) {
                return false;
            }
            try {
                long sleep = Math.max(1_000_000L, Math.min(wait, left)); // at least 1 ms: others may be waiting too
                Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Calls made in the last second. */
    public synchronized int inLastSecond() {
        expire(nanos.getAsLong());
        return count;
    }

    /** 0 when a call was taken ({@code take}) or could be; else how long until there may be room. */
    private synchronized long waitNanos(Use use, boolean take) {
        long now = nanos.getAsLong();
        expire(now);
        // Users' calls may fill the whole second; background work leaves the users' tenth; each use stays within its limit.
        int total = use == Use.USER ? perSecond : perSecond - userReserve;
        if (count < total && (use == Use.USER || byUse[use.ordinal()] < limit(use))) {
            if (take) {
                int at = (oldest + count) % made.length;
                made[at] = now;
                madeFor[at] = (byte) use.ordinal();
                byUse[use.ordinal()]++;
                count++;
            }
            return 0;
        }
        if (count >= total) {
            // Room once the calls that put it at its limit leave the window.
            return Math.max(1, made[(oldest + count - total) % made.length] + SECOND - now);
        }
        return Math.max(1, made[oldest] + SECOND - now); // over its own limit: look again when the oldest call leaves
    }

    private void expire(long now) {
        while (count > 0 && now - made[oldest] >= SECOND) {
            byUse[madeFor[oldest]]--;
            oldest = (oldest + 1) % made.length;
            count--;
        }
    }
}
