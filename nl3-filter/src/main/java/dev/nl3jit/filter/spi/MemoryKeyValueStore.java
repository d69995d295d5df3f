package dev.nl3jit.filter.spi;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The reference {@link KeyValueStore}: strings in concurrent maps of this JVM, each entry dropped once its time to live
 * has passed. Every operation is one atomic map operation. For tests and for backend authors to compare with; an
 * application that keeps everything in one JVM uses {@code nl3.store=memory}, which needs no strings at all.
 */
final class MemoryKeyValueStore implements KeyValueStore {
    private record Entry(String value, long endNanos) {
        boolean live(long now) {
            return endNanos - now > 0;
        }
    }

    private final Map<Region, ConcurrentHashMap<String, Entry>> regions = new EnumMap<>(Region.class);
    private volatile boolean closed;

    MemoryKeyValueStore() {
        for (Region r : Region.values()) {
            regions.put(r, new ConcurrentHashMap<>());
        }
    }

    private ConcurrentHashMap<String, Entry> map(Region region) {
        if (closed) {
            throw new ApprovalStoreException("the store is closed");
        }
        return regions.get(Objects.requireNonNull(region, "region"));
    }

    private static long end(Duration ttl) {
        long now = System.nanoTime();
        long nanos;
        try {
            nanos = ttl.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 4;
        }
        return now + Math.max(1, Math.min(nanos, Long.MAX_VALUE / 4));
    }

    @Override
    public String get(Region region, String key) {
        Entry e = map(region).get(Objects.requireNonNull(key, "key"));
        return e != null && e.live(System.nanoTime()) ? e.value() : null;
    }

    @Override
    public Map<String, String> getAll(Region region, Set<String> keys) {
        Map<String, String> out = new HashMap<>();
        for (String k : keys) {
            String v = get(region, k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    @Override
    public boolean putIfAbsent(Region region, String key, String value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        Entry mine = new Entry(value, end(ttl));
        long now = System.nanoTime();
        return map(region).compute(Objects.requireNonNull(key, "key"), (k, e) -> e == null || !e.live(now) ? mine : e) == mine;
    }

    @Override
    public boolean replace(Region region, String key, String expected, String value, Duration ttl) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(value, "value");
        Entry mine = new Entry(value, end(ttl));
        long now = System.nanoTime();
        return map(region).computeIfPresent(Objects.requireNonNull(key, "key"),
                (k, e) -> e.live(now) && e.value().equals(expected) ? mine : e) == mine;
    }

    @Override
    public boolean remove(Region region, String key, String expected) {
        Objects.requireNonNull(expected, "expected");
        boolean[] removed = {false};
        long now = System.nanoTime();
        map(region).computeIfPresent(Objects.requireNonNull(key, "key"), (k, e) -> {
            if (e.live(now) && e.value().equals(expected)) {
                removed[0] = true;
                return null;
            }
            return e;
        });
        return removed[0];
    }

    @Override
    public void forEach(Region region, BiConsumer<String, String> each) {
        long now = System.nanoTime();
        ConcurrentHashMap<String, Entry> m = map(region);
        m.forEach((k, e) -> {
            if (e.live(now)) {
                each.accept(k, e.value());
            } else {
                m.remove(k, e);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "KeyValueStore.inMemory()";
    }
}
