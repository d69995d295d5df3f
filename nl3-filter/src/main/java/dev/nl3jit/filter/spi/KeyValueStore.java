package dev.nl3jit.filter.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The store contract: a few atomic operations on short strings that a shared backend (JCache, Redis, ...) offers.
 * Everything the approvals need (single use, request limits, claims, per-user caps, lock knowledge, the stored form and
 * its seal) is built on top of these operations by the library, once; a backend knows nothing of approvals.
 *
 * <p>The library trusts nothing it reads: every value it writes is sealed (HMAC) and carries its own deadline and a
 * version, so two writes under one key never produce the same string. A backend compares values as whole strings.
 *
 * <p>Rules every implementation keeps (the {@code ApprovalStoreContract} test kit checks them):
 * <ul>
 *   <li>each operation is atomic and linearizable per key, across every node sharing the backend;</li>
 *   <li>{@code putIfAbsent}, {@code replace} and {@code remove} succeed only when the condition held at that moment;</li>
 *   <li>an entry is kept at least until its {@code ttl} has passed, and may be dropped at any moment after;</li>
 *   <li>regions are separate key spaces: one key in two regions names two entries;</li>
 *   <li>keys and values are any strings (UTF-8, up to 64 KB), stored and returned unchanged;</li>
 *   <li>no operation on the request path scans keys; {@link #forEach} runs in the background only;</li>
 *   <li>a failure of the backend (down, slow, partitioned) is an {@link ApprovalStoreException}, never a wrong answer.</li>
 * </ul>
 */
public interface KeyValueStore extends AutoCloseable {

    /** The separate key spaces the library uses. */
    enum Region {
        GRANTS, PENDING, PENDING_KEYS, USERS, HOLDERS, LIMITS, CLAIMS, LOCKS;

        /** A short lower-case name, e.g. {@code pending-keys}, for key prefixes and cache names. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The value under {@code key}, or {@code null} when there is none. */
    String get(Region region, String key);

    /** The values present under {@code keys} (absent keys are left out), read in one round trip where the backend can. */
    Map<String, String> getAll(Region region, Set<String> keys);

    /** Stores {@code value} under {@code key} when nothing is there: {@code true} when it was stored. */
    boolean putIfAbsent(Region region, String key, String value, Duration ttl);

    /** Replaces exactly {@code expected} by {@code value}: {@code false} when another value, or none, is there. */
    boolean replace(Region region, String key, String expected, String value, Duration ttl);

    /** Removes exactly {@code expected}: {@code false} when another value, or none, is there. */
    boolean remove(Region region, String key, String expected);

    /**
     * Visits every entry of {@code region}; used by the background purge only, for backends that do not drop entries
     * whose time to live has passed. A backend that expires entries itself may visit nothing.
     */
    void forEach(Region region, BiConsumer<String, String> each);

    /** Releases connections; called once, when the last filter using the store ends. */
    @Override
    default void close() {
    }

    /**
     * The reference implementation: strings in concurrent maps of this JVM, each entry dropped once its time to live has
     * passed; closed, every operation fails with {@link ApprovalStoreException}. For tests, and for backend authors to
     * compare with; {@code nl3.store=memory} (the default) keeps typed values and needs no strings.
     */
    static KeyValueStore inMemory() {
        return new MemoryKeyValueStore();
    }
}
