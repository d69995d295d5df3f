package dev.nl3jit.filter.internal.util;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warnings of one cause, rate limited: the first is logged, then at most one summary per period saying how many
 * more of that cause were held back. A cause is a short key of its kind, never text from outside (a user name, NL3's
 * words). At most {@link #MAX_CAUSES} causes are told apart; past that every new cause is counted under one more
 * shared cause, so memory stays bounded: its first line is logged whole, saying so, and later ones are held back and
 * counted like repeats.
 */
public final class LogOnce {
    /** How many causes are told apart; later new ones share one. */
    public static final int MAX_CAUSES = 64;
    private static final String OTHERS = "(others)";
    private final System.Logger log;
    private final long periodNanos;
    private final Map<String, State> byCause = new ConcurrentHashMap<>();

    private static final class State {
        final AtomicLong lastLogged = new AtomicLong();
        final AtomicLong suppressed = new AtomicLong();
    }

    public LogOnce(System.Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
    }

    /** Logs at WARNING unless the same cause was logged within the period. */
    public void warn(String cause, String format, Object... args) {
        log(Level.WARNING, cause, format, args);
    }

    /** Logs at {@code level} unless the same cause was logged within the period; then a count of what was held back. */
    public void log(Level level, String cause, String format, Object... args) {
        State s = byCause.get(cause);
        if (s == null) {
            synchronized (byCause) {
                s = byCause.get(cause);
                if (s == null && byCause.size() >= MAX_CAUSES) {
                    s = byCause.computeIfAbsent(OTHERS, c -> new State());
                    format += " (over " + MAX_CAUSES + " causes seen: this and later new causes are reported together)";
                } else if (s == null) {
                    s = new State();
                    byCause.put(cause, s);
                }
            }
        }
        long now = System.nanoTime();
        long last = s.lastLogged.get();
        boolean first = last == 0;
        if ((first || now - last >= periodNanos) && s.lastLogged.compareAndSet(last, now == 0 ? 1 : now)) {
            long held = s.suppressed.getAndSet(0);
            log.log(level, format + (held > 0 ? " (" + held + " more like this since the last report)" : ""), args);
        } else {
            s.suppressed.incrementAndGet();
        }
    }

    /** How many causes are held (for tests: never more than {@link #MAX_CAUSES} + 1). */
    public int causes() {
        return byCause.size();
    }
}
