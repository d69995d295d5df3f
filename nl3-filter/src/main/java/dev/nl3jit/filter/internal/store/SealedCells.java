package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.Nl3Settings;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Cells in any {@link KeyValueStore}, which is not trusted: each value is written as
 * {@code s1.<mac>.<version>|<end>|<value>} ({@link Seal}): an HMAC-SHA256 under {@link Nl3Settings#storeSealKey()} bound
 * to the region and the key, a version (random for a new cell, one more on each change, so two writes under one key
 * never give the same string), and the moment the value ends (past it the cell reads as absent; the backend is asked
 * to keep it at least that long). A value that fails the seal's check reads as absent, is counted
 * ({@link #rejected()}) and logged; a compare-and-set compares the exact string read, so it never matches a value
 * changed since. Any failure of the backend is an {@link ApprovalStoreException}.
 */
public final class SealedCells implements Cells {
    /** What a sealed cell holds as the backend has it, and its version. */
    private record Raw(String stored, long version) {
    }

    private static final Duration AT_LEAST = Duration.ofSeconds(1);

    private final KeyValueStore store;
    private final String name;
    private final Seal seal;
    private final Clock clock;
    private final Map<Region, Seal.Name> names = new EnumMap<>(Region.class);

    /** @param name the store's name ({@code nl3.store-name}): a value is sealed for {@code <name>.<region>} */
    SealedCells(KeyValueStore store, String name, byte[] sealKey, Clock clock) {
        this(store, name, new Seal(sealKey, rejectedOf(store)), clock);
    }

    /** Failed checks by backend: every engine over one backend (each filter of a node) reports the same count. */
    private static final Map<KeyValueStore, java.util.concurrent.atomic.AtomicLong> REJECTED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static java.util.concurrent.atomic.AtomicLong rejectedOf(KeyValueStore store) {
        return REJECTED.computeIfAbsent(store, s -> new java.util.concurrent.atomic.AtomicLong());
    }

    private SealedCells(KeyValueStore store, String name, Seal seal, Clock clock) {
        this.store = java.util.Objects.requireNonNull(store, "store");
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.seal = seal;
        this.clock = clock;
        for (Region r : Region.values()) {
            names.put(r, Seal.Name.of(name + "." + r.id(), r == Region.PENDING));
        }
    }

    /** The backend, for tests and for the deadline wrapper. */
    KeyValueStore store() {
        return store;
    }

    private static <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (ApprovalStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApprovalStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private <K, V> Read<V> open(Cell<K, V> cell, String key, String stored, Instant now) {
        if (stored == null) {
            return Read.none();
        }
        String envelope = seal.open(names.get(cell.region()), key, stored);
        if (envelope == null) {
            return new Read<>(null, new Raw(stored, 0));
        }
        int a = envelope.indexOf('|');
        int b = a < 0 ? -1 : envelope.indexOf('|', a + 1);
        if (b < 0) {
            throw new ApprovalStoreException("unreadable stored value in " + cell.region().id() + " (" + envelope.length()
                    + " characters)");
        }
        long version;
        Instant end;
        try {
            version = Long.parseLong(envelope.substring(0, a));
            end = Instant.parse(envelope.substring(a + 1, b));
        } catch (RuntimeException e) {
            throw new ApprovalStoreException("unreadable stored value in " + cell.region().id(), e);
        }
        Raw raw = new Raw(stored, version);
        if (!end.isAfter(now)) {
            return new Read<>(null, raw); // ended: absent, and replaced or removed exactly as it is
        }
        return new Read<>(cell.read().apply(envelope.substring(b + 1)), raw);
    }

    private <K, V> String seal(Cell<K, V> cell, String key, V value, long version) {
        Instant end = cell.end().apply(value);
        return seal.seal(names.get(cell.region()), key, version + "|" + end + "|" + cell.write().apply(value));
    }

    private Duration ttl(Instant end) {
        Duration d = Duration.between(clock.instant(), end);
        return d.compareTo(AT_LEAST) < 0 ? AT_LEAST : d;
    }

    @Override
    public <K, V> V get(Cell<K, V> cell, K key) {
        return read(cell, key).value();
    }

    @Override
    public <K, V> Read<V> read(Cell<K, V> cell, K key) {
        String k = cell.key().apply(key);
        String stored = guard(() -> store.get(cell.region(), k));
        return open(cell, k, stored, clock.instant());
    }

    @Override
    public <K, V> Map<K, Read<V>> readAll(Cell<K, V> cell, Set<K> keys) {
        Map<String, K> byString = new LinkedHashMap<>();
        for (K k : keys) {
            byString.put(cell.key().apply(k), k);
        }
        Map<String, String> found = guard(() -> store.getAll(cell.region(), byString.keySet()));
        Instant now = clock.instant();
        Map<K, Read<V>> out = new HashMap<>();
        found.forEach((k, stored) -> {
            if (stored != null && byString.containsKey(k)) {
                out.put(byString.get(k), open(cell, k, stored, now));
            }
        });
        return out;
    }

    @Override
    public <K, V> boolean replace(Cell<K, V> cell, K key, Read<V> expected, V value) {
        String k = cell.key().apply(key);
        Raw old = (Raw) expected.stored();
        Duration ttl = ttl(cell.end().apply(value));
        if (old == null) {
            String next = seal(cell, k, value, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2));
            return guard(() -> store.putIfAbsent(cell.region(), k, next, ttl));
        }
        String next = seal(cell, k, value, old.version() + 1);
        return guard(() -> store.replace(cell.region(), k, old.stored(), next, ttl));
    }

    @Override
    public <K, V> boolean remove(Cell<K, V> cell, K key, Read<V> expected) {
        Raw old = (Raw) expected.stored();
        if (old == null) {
            return false;
        }
        String k = cell.key().apply(key);
        return guard(() -> store.remove(cell.region(), k, old.stored()));
    }

    @Override
    public <R> R changeIndex(String user, java.util.function.Function<UserIndex, R> change) {
        while (true) {
            Read<UserIndex> read = read(Cell.USERS, user);
            UserIndex index = read.value() != null ? read.value() : new UserIndex(); // parsed: this call's own
            R out = change.apply(index);
            if (!index.changed()) {
                return out;
            }
            if (index.isEmpty() ? read.stored() == null || remove(Cell.USERS, user, read)
                    : replace(Cell.USERS, user, read, index)) {
                return out;
            }
            Thread.onSpinWait();
        }
    }

    /** Holders are kept in {@value #SHARDS} values by user: the lock re-check and the purge read these at once. */
    static final int SHARDS = 256;
    private static final Set<String> SHARD_KEYS;

    static {
        Set<String> keys = new java.util.LinkedHashSet<>();
        for (int i = 0; i < SHARDS; i++) {
            keys.add("h" + i);
        }
        SHARD_KEYS = java.util.Collections.unmodifiableSet(keys);
    }

    private static String shard(String user) {
        return "h" + Math.floorMod(user.hashCode(), SHARDS);
    }

    @Override
    public boolean hasIndex(String user) {
        return get(Cell.USERS, user) != null;
    }

    @Override
    public void changeHolder(String user, java.util.function.UnaryOperator<Holders.Ends> change) {
        String shard = shard(user);
        while (true) {
            Read<Holders> read = read(Cell.HOLDERS, shard);
            Holders h = read.value() != null ? read.value() : new Holders(); // parsed: this call's own
            Holders.Ends before = h.byUser.get(user);
            Holders.Ends after = change.apply(before);
            if (after == before) {
                return;
            }
            if (after == null) {
                h.byUser.remove(user);
            } else {
                h.byUser.put(user, after);
            }
            if (h.isEmpty() ? read.stored() == null || remove(Cell.HOLDERS, shard, read)
                    : replace(Cell.HOLDERS, shard, read, h)) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public Map<String, Holders.Ends> holders(boolean dropRejected) {
        Map<String, Holders.Ends> all = new HashMap<>();
        readAll(Cell.HOLDERS, SHARD_KEYS).forEach((k, v) -> {
            if (v.value() != null) {
                all.putAll(v.value().byUser);
            } else if (dropRejected) {
                remove(Cell.HOLDERS, k, v);
            }
        });
        return all;
    }

    @Override
    public <K, V> void removeIf(Cell<K, V> cell, Predicate<V> ended) {
        Instant now = clock.instant();
        Map<String, String> gone = new HashMap<>();
        guard(() -> {
            store.forEach(cell.region(), (k, stored) -> {
                Read<V> r = open(cell, k, stored, now);
                if (r.value() == null || ended.test(r.value())) {
                    gone.put(k, stored);
                }
            });
            return null;
        });
        gone.forEach((k, stored) -> guard(() -> store.remove(cell.region(), k, stored)));
    }

    @Override
    public long count(Cell<?, ?> cell) {
        return -1;
    }

    @Override
    public long rejected() {
        return seal.rejected();
    }

    @Override
    public Cells bounded(Duration timeout) {
        KeyValueStore b = BoundedStore.around(store, timeout);
        return b == store ? this : new SealedCells(b, name, seal, clock);
    }

    @Override
    public void stopThreads() {
        BoundedStore.stopThreads(store);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
