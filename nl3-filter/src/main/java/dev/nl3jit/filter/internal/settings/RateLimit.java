package dev.nl3jit.filter.internal.settings;

import java.time.Duration;

/**
 * At most {@code count} new approval requests per user per {@code window}, refilled continuously (a token bucket).
 *
 * @param count  the bucket's size
 * @param window how long a whole bucket takes to refill
 */
public record RateLimit(int count, Duration window) {
    /** {@code 5/10m}. */
    static RateLimit parse(String text) {
        int slash = text.indexOf('/');
        Duration window = slash < 0 ? null : SettingsTable.parseDuration(text.substring(slash + 1));
        int count;
        try {
            count = slash < 0 ? -1 : Integer.parseInt(text.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > 100_000 || window == null || window.compareTo(Duration.ofSeconds(1)) < 0
                || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("'" + text + "'; expected requests per window, e.g. 5/10m (1 to 100000 per 1s to 1d)");
        }
        return new RateLimit(count, window);
    }

    @Override
    public String toString() {
        return count + "/" + SettingsTable.format(window);
    }
}
