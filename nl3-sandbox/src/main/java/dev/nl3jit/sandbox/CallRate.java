package dev.nl3jit.sandbox;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * When each NL3 API call arrived, on the JVM's monotonic clock (real time, never the sandbox's movable clock), and of
 * which kind: the last {@value #CAPACITY} calls, for counting calls in any window of time (the busiest second).
 */
final class CallRate {
    static final int CAPACITY = 1 << 18;
    private long[] at;
    private byte[] kind;
    private int next;
    private int size;

    synchronized void add(Call.Kind k) {
        if (at == null) {
            at = new long[CAPACITY];
            kind = new byte[CAPACITY];
        }
        at[next] = System.nanoTime();
        kind[next] = (byte) k.ordinal();
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    synchronized void clear() {
        size = 0;
        next = 0;
    }

    synchronized long count(Set<Call.Kind> kinds) {
        long n = 0;
        for (int i = 0; i < size; i++) {
            if (kinds.contains(Call.Kind.values()[kind[index(i)]])) {
                n++;
            }
        }
        return n;
    }

    /** The most calls of these kinds that arrived within any {@code window} (two pointers over the arrivals). */
    synchronized int busiest(Duration window, Set<Call.Kind> kinds) {
        long w = window.toNanos();
        long[] times = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            int j = index(i);
            if (kinds.contains(Call.Kind.values()[kind[j]])) {
                times[n++] = at[j];
            }
        }
        int best = 0;
        int from = 0;
        for (int to = 0; to < n; to++) {
            while (times[to] - times[from] >= w) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }

    private int index(int i) {
        return (next - size + i + CAPACITY) % CAPACITY;
    }

    static Set<Call.Kind> of(Call.Kind... kinds) {
        return kinds.length == 0 ? EnumSet.allOf(Call.Kind.class) : EnumSet.of(kinds[0], kinds);
    }
}
