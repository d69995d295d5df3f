package dev.nl3jit.filter;

import java.time.Clock;
import java.time.Instant;

/**
 * Heap held per grant by the in-memory store: used heap after a full GC with 100,000 live grants of 10,000 users,
 * minus the same with an empty store, divided by 100,000 (the keys themselves included, as the grant path makes them).
 * Not JMH: {@code java -cp ... dev.nl3jit.filter.HeapPerGrant} prints {@code bytes_per_grant=…}.
 */
public final class HeapPerGrant {
    private HeapPerGrant() {
    }

    public static void main(String[] args) {
        int grants = 100_000;
        Instant now = Instant.now();
        long empty = usedAfterGc();
        StoreRules store = StoreRules.inMemory(grants, 10_000, Clock.systemUTC());
        for (int i = 0; i < grants; i++) {
            store.putGrant(new GrantKey("user" + (i % 10_000), "ADMIN_ACCESS", "key" + (i / 10_000)),
                    new Grant(now.plusSeconds(86_400 + i), Grant.UNLIMITED));
        }
        long full = usedAfterGc();
        if (store.grantCount() != grants) {
            throw new IllegalStateException("held " + store.grantCount());
        }
        System.out.printf(java.util.Locale.ROOT, "bytes_per_grant=%.0f%n", (full - empty) / (double) grants);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
