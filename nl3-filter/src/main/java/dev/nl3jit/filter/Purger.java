package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Drops what ended from the store (grants, tickets, claims, lock knowledge) on its own schedule, whatever
 * {@code nl3.lock-check} says: every minute, or every {@code nl3.lock-recheck} when that is shorter. One daemon thread
 * per engine, stopped on {@link #close()}.
 */
final class Purger implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Purger.class.getName());
    static final Duration AT_MOST_EVERY = Duration.ofMinutes(1);
    private final Ledger store;
    private final Clock clock;
    private final Duration every;
    private final LogOnce failures = new LogOnce(LOG, Duration.ofMinutes(5));
    private ScheduledExecutorService scheduler;

    Purger(Ledger store, Clock clock, Duration lockRecheck) {
        this.store = store;
        this.clock = clock;
        this.every = lockRecheck.compareTo(AT_MOST_EVERY) < 0 ? lockRecheck : AT_MOST_EVERY;
    }

    /** The time between two purges. */
    Duration every() {
        return every;
    }

    synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Daemons.scheduler("nl3-purge");
        long period = every.toMillis();
        // A random start spreads the purges of many nodes sharing one store.
        scheduler.scheduleWithFixedDelay(this::purge, ThreadLocalRandom.current().nextLong(period / 2 + 1), period,
                TimeUnit.MILLISECONDS);
    }

    void purge() {
        try {
            store.purge(clock.instant());
        } catch (RuntimeException e) {
            String cause = e instanceof ApprovalStoreException a ? a.causeKey() : e.getClass().getName();
            failures.log(Level.WARNING, cause, "purging ended entries from the approval store failed ({0}); tried again in {1}",
                    e.toString(), every);
        }
    }

    @Override
    public synchronized void close() {
        Daemons.stop(scheduler);
    }
}
