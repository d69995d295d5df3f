package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warnings of one cause, rate limited: the first is logged, then at most one summary per period saying how many
 * more of that cause were held back.
 */
final class LogOnce {
    private final System.Logger log;
    private final long periodNanos;
    private final Map<String, State> byCause = new ConcurrentHashMap<>();

    private static final class State {
        final AtomicLong lastLogged = new AtomicLong();
        final AtomicLong suppressed = new AtomicLong();
    }

    LogOnce(System.Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
    }

    /** Logs at WARNING unless the same cause was logged within the period. */
    void warn(String cause, String format, Object... args) {
        log(Level.WARNING, cause, format, args);
    }

    /** Logs at {@code level} unless the same cause was logged within the period; then a count of what was held back. */
    void log(Level level, String cause, String format, Object... args) {
        State s = byCause.computeIfAbsent(cause, c -> new State());
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
}
