package dev.nl3jit.filter.internal.nl3;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many status calls a node may make per second ({@code nl3.max-status-calls}): a lock-free token bucket
 * holding at most one second of calls (generic cell rate algorithm on {@link System#nanoTime()}, which measures rates,
 * not dates, so it is not the injected clock).
 */
public final class StatusBudget {
    private static final long SECOND = 1_000_000_000L;
    private final int perSecond;
    private final long emission;
    private final AtomicLong theoreticalArrival = new AtomicLong(System.nanoTime() - SECOND);

    public StatusBudget(int perSecond) {
        this.perSecond = perSecond;
        this.emission = SECOND / perSecond;
    }

    public int perSecond() {
        return perSecond;
    }

    /** Takes one call from the budget, or says there is none left this instant. */
    public boolean tryTake() {
        long now = System.nanoTime();
        while (true) {
            long tat = theoreticalArrival.get();
            long next = Math.max(tat, now - SECOND) + emission;
            if (next - now > 0) {
                return false;
            }
            if (theoreticalArrival.compareAndSet(tat, next)) {
                return true;
            }
        }
    }
}
