package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A real backend (the reference store) seen from the tests: counts reads, fails every call while {@code down}, and
 * runs {@code afterLockRead} once right after a lock state is read (to race the request path).
 */
final class ObservedStore implements KeyValueStore {
    private final KeyValueStore store;
    volatile long reads;
    volatile boolean down;
    final AtomicReference<Runnable> afterLockRead = new AtomicReference<>();

    ObservedStore(KeyValueStore store) {
        this.store = store;
    }

    private void up() {
        if (down) {
            throw new ApprovalStoreException("backend down", null);
        }
    }

    @Override
    public String get(Region region, String key) {
        up();
        reads++;
        String v = store.get(region, key);
        if (region == Region.LOCKS) {
            Runnable r = afterLockRead.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
        return v;
    }

    @Override
    public Map<String, String> getAll(Region region, Set<String> keys) {
        up();
        reads++;
        return store.getAll(region, keys);
    }

    @Override
    public boolean putIfAbsent(Region region, String key, String value, Duration ttl) {
        up();
        return store.putIfAbsent(region, key, value, ttl);
    }

    @Override
    public boolean replace(Region region, String key, String expected, String value, Duration ttl) {
        up();
        return store.replace(region, key, expected, value, ttl);
    }

    @Override
    public boolean remove(Region region, String key, String expected) {
        up();
        return store.remove(region, key, expected);
    }

    @Override
    public void forEach(Region region, BiConsumer<String, String> action) {
        up();
        store.forEach(region, action);
    }

    @Override
    public void close() {
        store.close();
    }
}
