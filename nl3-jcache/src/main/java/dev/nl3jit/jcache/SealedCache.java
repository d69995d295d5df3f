package dev.nl3jit.jcache;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import javax.cache.Cache;

/**
 * One of the store's caches, every value sealed on the way in and checked on the way out ({@link Seal}). A value that
 * fails the check reads as absent. The compare-and-set operations compare the stored form read before, so a check
 * costs one MAC per value read and one per value written.
 */
final class SealedCache {
    /** A value as stored ({@code null}: none) and as opened ({@code null}: none, or it failed the check). */
    record Read(String stored, String value) {
        static final Read NONE = new Read(null, null);

        /** Something is stored that failed the check. */
        boolean rejected() {
            return stored != null && value == null;
        }
    }

    private final Cache<String, String> cache;
    private final Seal seal;
    private final Seal.Name name;

    SealedCache(Cache<String, String> cache, String name, boolean ticketKeys, Seal seal) {
        this.cache = cache;
        this.seal = seal;
        this.name = Seal.Name.of(name, ticketKeys);
    }

    String name() {
        return name.name();
    }

    /** The cache underneath, for reading its configuration. */
    Cache<String, String> raw() {
        return cache;
    }

    Read read(String key) {
        String stored = cache.get(key);
        return stored == null ? Read.NONE : new Read(stored, seal.open(name, key, stored));
    }

    String get(String key) {
        return read(key).value();
    }

    /** What is stored under any of {@code keys}, opened; keys with nothing stored are left out. */
    Map<String, Read> readAll(Set<String> keys) {
        Map<String, Read> out = new HashMap<>();
        cache.getAll(keys).forEach((k, stored) -> out.put(k, new Read(stored, seal.open(name, k, stored))));
        return out;
    }

    void put(String key, String value) {
        cache.put(key, seal.seal(name, key, value));
    }

    /** Puts {@code value} and returns the value it replaced, {@code null} when there was none or it failed the check. */
    String getAndPut(String key, String value) {
        String before = cache.getAndPut(key, seal.seal(name, key, value));
        return before == null ? null : seal.open(name, key, before);
    }

    boolean putIfAbsent(String key, String value) {
        return cache.putIfAbsent(key, seal.seal(name, key, value));
    }

    /** Replaces what {@link #read} found ({@code stored}, exactly) by {@code value}. */
    boolean replace(String key, String stored, String value) {
        return cache.replace(key, stored, seal.seal(name, key, value));
    }

    /** Removes what {@link #read} found ({@code stored}, exactly). */
    boolean remove(String key, String stored) {
        return cache.remove(key, stored);
    }

    /** Removes {@code key} when it holds {@code value}, sealed by this store (sealing is deterministic). */
    boolean removeValue(String key, String value) {
        return cache.remove(key, seal.seal(name, key, value));
    }

    void remove(String key) {
        cache.remove(key);
    }

    /** Every entry, opened: {@code value} is {@code null} for one that failed the check. */
    void forEach(BiConsumer<String, Read> action) {
        for (Cache.Entry<String, String> e : cache) {
            action.accept(e.getKey(), new Read(e.getValue(), seal.open(name, e.getKey(), e.getValue())));
        }
    }
}
