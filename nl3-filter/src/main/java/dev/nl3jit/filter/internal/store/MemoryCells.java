package dev.nl3jit.filter.internal.store;





import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Predicate;
import dev.nl3jit.filter.spi.KeyValueStore.Region;

/**
 * The default cells ({@code nl3.store=memory}): typed values in concurrent maps of this JVM, no strings, no seal, so
 * the grant path's read is one map lookup. Bounded, with no store-wide lock: every region whose cells have an owner
 * (grants, pending approvals) holds at most {@code nl3.max-entries}. Changes of such a cell take its user's
 * own short lock, never two users' at once, and keep two concurrent indexes up to date: the cells ordered by the time
 * they end, and the users ranked by how many cells they hold. Room is made in this order, each step O(log n): cells that
 * ended, whoever's; only then, when the region is over its bound with live cells, the soonest-ending cell of the user
 * who holds the most (never the cell just put). So one user's flood never pushes out another user's live grant or
 * ticket (the per-user cap is the {@link Ledger}'s). Concurrent puts may hold one cell each over the bound until each
 * has made room, which each does before it returns. A user's index ({@link UserIndex}) is changed in place under its
 * own lock, never copied (a cell dropped here to make room, or because it ended, leaves its owner's index too), and the
 * holders' list is read from the indexes as they stand: nothing of it is kept apart.
 */
public final class MemoryCells implements Cells {
    private final int maxEntries;
    private final int perUser;
    private final Clock clock;
    private final Map<Region, ConcurrentHashMap<Object, Object>> maps = new EnumMap<>(Region.class);
    private final Map<Region, Index> indexes = new EnumMap<>(Region.class);
    /** The users' indexes, each changed in place under its own lock. */
    private final ConcurrentHashMap<String, LockedIndex> userIndexes = new ConcurrentHashMap<>();
    private final Map<Region, Drop> droppers = new EnumMap<>(Region.class);

    /** Removes one cell of a user from its map and from the index; called under that user's lock. */
    private interface Drop {
        void drop(Index.Entries entries, Object id);
    }

    /** When each entry ends, in order, whose it is, and who holds the most: concurrent, with one lock per user. */
    static final class Index {
        record Slot(Instant end, long seq, Object id, String user) implements Comparable<Slot> {
            @Override
            public int compareTo(Slot o) {
                int c = end.compareTo(o.end);
                return c != 0 ? c : Long.compare(seq, o.seq);
            }
        }

        private final ConcurrentSkipListSet<Slot> byEnd = new ConcurrentSkipListSet<>();
        /** At index c, the users holding exactly c entries (c is at most the per-user cap); made on first use. */
        private final AtomicReferenceArray<Set<String>> byCount;
        /** No user holds more than this many entries (an upper bound, lowered as levels empty). */
        private final AtomicInteger highest = new AtomicInteger();
        private final ConcurrentHashMap<String, Entries> users = new ConcurrentHashMap<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicLong seq = new AtomicLong();

        Index(int perUser) {
            byCount = new AtomicReferenceArray<>(perUser + 1);
        }

        private Set<String> level(int c) {
            c = Math.min(c, byCount.length() - 1); // a user briefly over the cap ranks with those at it
            Set<String> level = byCount.get(c);
            if (level == null) {
                byCount.compareAndSet(c, null, ConcurrentHashMap.newKeySet());
                level = byCount.get(c);
            }
            return level;
        }

        /** One user's entries; changed only while holding its lock. */
        final class Entries {
            private final String user;
            private final Map<Object, Slot> slots = new HashMap<>();
            /** Held while this user's entries (and the store's maps for them) change. */
            private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
            /** Out of the users map: whoever holds it looks the user up again. */
            private boolean retired;
            private volatile int count;

            private Entries(String user) {
                this.user = user;
            }

            boolean contains(Object id) {
                return slots.containsKey(id);
            }

            int count() {
                return count;
            }

            void put(Object id, Instant end) {
                Slot s = new Slot(end, seq.incrementAndGet(), id, user);
                Slot old = slots.put(id, s);
                if (old != null) {
                    byEnd.remove(old);
                } else {
                    size.incrementAndGet();
                    rerank(slots.size() - 1, slots.size());
                }
                byEnd.add(s);
            }

            void remove(Object id) {
                Slot s = slots.remove(id);
                if (s == null) {
                    return;
                }
                byEnd.remove(s);
                size.decrementAndGet();
                rerank(slots.size() + 1, slots.size());
            }

            private void rerank(int before, int after) {
                if (before > 0) {
                    level(before).remove(user);
                }
                if (after > 0) {
                    level(after).add(user);
                    highest.accumulateAndGet(after, Math::max);
                }
                count = after;
            }

            /** The entry that ends soonest, other than {@code keep} (at most the per-user cap to look at). */
            Object soonest(Object keep) {
                Slot best = null;
                for (Slot s : slots.values()) {
                    if (!s.id().equals(keep) && (best == null || s.compareTo(best) < 0)) {
                        best = s;
                    }
                }
                return best == null ? null : best.id();
            }

            /** Whether {@code s} is still the current slot of its entry. */
            boolean current(Slot s) {
                return s.equals(slots.get(s.id()));
            }

            List<Object> ids() {
                return new ArrayList<>(slots.keySet());
            }
        }

        private final Function<String, Entries> make = Entries::new;

        /** {@code user}'s entries (made if there were none), locked: {@link #unlock} follows. */
        Entries lock(String user) {
            while (true) {
                Entries e = users.computeIfAbsent(user, make);
                e.lock.lock();
                if (!e.retired) {
                    return e;
                }
                e.lock.unlock(); // retired while this thread waited for its lock: look the user up again
            }
        }

        void unlock(Entries e) {
            try {
                retireIfEmpty(e);
            } finally {
                e.lock.unlock();
            }
        }

        /** Runs {@code work} under {@code user}'s lock, the user's entries made if there were none. */
        <T> T locked(String user, Function<Entries, T> work) {
            return locked(user, true, work, null);
        }

        /** As {@link #locked}, only if the user holds entries; otherwise {@code none}. */
        <T> T lockedIfPresent(String user, Function<Entries, T> work, T none) {
            return locked(user, false, work, none);
        }

        private <T> T locked(String user, boolean make, Function<Entries, T> work, T none) {
            while (true) {
                Entries e = make ? users.computeIfAbsent(user, this.make) : users.get(user);
                if (e == null) {
                    return none;
                }
                e.lock.lock();
                try {
                    if (!e.retired) {
                        return run(e, work);
                    }
                } finally {
                    e.lock.unlock();
                }
                // Retired while this thread waited for its lock: look the user up again.
            }
        }

        /** As {@link #lockedIfPresent}, but {@code busy} at once when another thread holds the user's lock. */
        private <T> T lockedIfFree(String user, Function<Entries, T> work, T none, T busy) {
            Entries e = users.get(user);
            if (e == null) {
                return none;
            }
            if (!e.lock.tryLock()) {
                return busy;
            }
            try {
                return e.retired ? none : run(e, work);
            } finally {
                e.lock.unlock();
            }
        }

        private <T> T run(Entries e, Function<Entries, T> work) {
            try {
                return work.apply(e);
            } finally {
                retireIfEmpty(e);
            }
        }

        private void retireIfEmpty(Entries e) {
            if (e.slots.isEmpty()) {
                e.retired = true;
                users.remove(e.user, e);
            }
        }

        int size() {
            return size.get();
        }

        /** The entry that ends first, if any. */
        Slot first() {
            try {
                return byEnd.first();
            } catch (java.util.NoSuchElementException e) {
                return null;
            }
        }

        /** Takes a slot that is no entry's any more out of the order. */
        void forget(Slot s) {
            byEnd.remove(s);
        }

        /**
         * Runs {@code work} under the lock of the user holding the most, and of the next ones down while it answers
         * {@code false}: O(1) per user tried, plus the levels no user holds any more (at most the per-user cap). Among
         * users holding as many, one whose lock is free is taken, so concurrent puts each take from a different user.
         */
        boolean fromLargest(Function<Entries, Boolean> work) {
            String busy = null;
            for (int c = Math.min(highest.get(), byCount.length() - 1); c > 0; c--) {
                Set<String> level = level(c);
                if (level.isEmpty()) {
                    // Lowered only while the level is empty: a user arriving there raises it again.
                    if (highest.compareAndSet(c, c - 1) && !level.isEmpty()) {
                        highest.accumulateAndGet(c, Math::max);
                    }
                    continue;
                }
                for (String user : level) {
                    Boolean done = lockedIfFree(user, work, false, null);
                    if (done == null) {
                        busy = busy == null ? user : busy;
                    } else if (done) {
                        return true;
                    }
                }
                if (busy != null) {
                    // Every user of the largest level is being changed right now: wait for the first.
                    return lockedIfPresent(busy, work, false);
                }
            }
            return false;
        }

        /** Users who hold an entry now. */
        Set<String> users() {
            Set<String> holding = new HashSet<>();
            users.forEach((user, e) -> {
                if (e.count() > 0) {
                    holding.add(user);
                }
            });
            return holding;
        }
    }

    /**
     * @param maxEntries cells of each bounded region at most ({@code nl3.max-entries})
     * @param perUser    the per-user cap ({@code nl3.max-entries-per-user}): no user holds more cells of one region
     *                   than this in the bound's ranking
     */
    MemoryCells(int maxEntries, int perUser, Clock clock) {
        this.maxEntries = maxEntries;
        // The ranking tolerates a user briefly over the cap (the ledger drops the excess just after a put).
        this.perUser = perUser + 64;
        this.clock = clock;
        for (Region r : Region.values()) {
            maps.put(r, new ConcurrentHashMap<>());
        }
        for (Region r : new Region[] {Region.GRANTS, Region.PENDING}) {
            indexes.put(r, new Index(this.perUser));
            droppers.put(r, dropper(r));
        }
    }

    @SuppressWarnings("unchecked")
    private <K, V> ConcurrentHashMap<K, V> map(Cell<K, V> cell) {
        return (ConcurrentHashMap<K, V>) (ConcurrentHashMap<?, ?>) maps.get(cell.region());
    }

    @Override
    public <K, V> V get(Cell<K, V> cell, K key) {
        return map(cell).get(key);
    }

    @Override
    public <K, V> Read<V> read(Cell<K, V> cell, K key) {
        V v = map(cell).get(key);
        return v == null ? Read.none() : new Read<>(v, v);
    }

    @Override
    public <K, V> Map<K, Read<V>> readAll(Cell<K, V> cell, Set<K> keys) {
        Map<K, Read<V>> out = new HashMap<>();
        for (K k : keys) {
            Read<V> r = read(cell, k);
            if (r.stored() != null) {
                out.put(k, r);
            }
        }
        return out;
    }

    /** One lookup after another, stopping at the first that passes. */
    @Override
    public <K, V> boolean any(Cell<K, V> cell, Set<K> keys, Predicate<V> test) {
        ConcurrentHashMap<K, V> m = map(cell);
        for (K k : keys) {
            V v = m.get(k);
            if (v != null && test.test(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> boolean replace(Cell<K, V> cell, K key, Read<V> expected, V value) {
        ConcurrentHashMap<K, V> m = map(cell);
        V old = (V) expected.stored();
        Index index = indexes.get(cell.region());
        if (index == null) {
            return old == null ? m.putIfAbsent(key, value) == null : m.replace(key, old, value);
        }
        Drop drop = droppers.get(cell.region());
        if (old == null) {
            purgeEnded(index, clock.instant(), drop); // a new cell: what ended goes first
        }
        Index.Entries e = index.lock(cell.owner().apply(key, value));
        boolean done;
        try {
            done = old == null ? m.putIfAbsent(key, value) == null : m.replace(key, old, value);
            if (done) {
                e.put(key, cell.end().apply(value));
            }
        } finally {
            index.unlock(e);
        }
        if (done && old == null) {
            keepWithinBound(index, key, drop);
        }
        return done;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> boolean remove(Cell<K, V> cell, K key, Read<V> expected) {
        ConcurrentHashMap<K, V> m = map(cell);
        V old = (V) expected.stored();
        if (old == null) {
            return false;
        }
        Index index = indexes.get(cell.region());
        if (index == null) {
            return m.remove(key, old);
        }
        return index.lockedIfPresent(cell.owner().apply(key, old), e -> {
            if (m.remove(key, old)) {
                e.remove(key);
                return true;
            }
            return false;
        }, false);
    }

    @Override
    public <K, V> void removeIf(Cell<K, V> cell, Predicate<V> ended) {
        ConcurrentHashMap<K, V> m = map(cell);
        Index index = indexes.get(cell.region());
        if (index != null) {
            purgeEnded(index, clock.instant(), droppers.get(cell.region()));
        }
        m.forEach((k, v) -> {
            if (ended.test(v)) {
                remove(cell, k, new Read<>(v, v));
            }
        });
    }

    /** Drops a cell that ended or makes room: out of its map, its owner's entries and its owner's index. */
    private Drop dropper(Region region) {
        ConcurrentHashMap<Object, Object> m = maps.get(region);
        char kind = region == Region.GRANTS ? UserIndex.GRANT : UserIndex.PENDING;
        return (e, id) -> {
            m.remove(id);
            e.remove(id);
            changeIndex(e.user, index -> {
                index.remove(kind, id);
                return null;
            });
        };
    }

    /** One user's index and its lock; out of the map once empty (whoever waited for it looks the user up again). */
    private static final class LockedIndex extends java.util.concurrent.locks.ReentrantLock {
        final UserIndex index = new UserIndex();
        boolean retired;

        LockedIndex(String user) {
        }
    }

    /** Under the user's lock: the index itself is changed, never copied. */
    @Override
    public <R> R changeIndex(String user, Function<UserIndex, R> change) {
        while (true) {
            LockedIndex l = userIndexes.computeIfAbsent(user, LockedIndex::new);
            l.lock();
            try {
                if (l.retired) {
                    continue;
                }
                try {
                    return change.apply(l.index);
                } finally {
                    if (l.index.isEmpty()) {
                        l.retired = true;
                        userIndexes.remove(user, l);
                    }
                }
            } finally {
                l.unlock();
            }
        }
    }

    @Override
    public boolean hasIndex(String user) {
        return userIndexes.containsKey(user);
    }

    /**
     * Nothing to keep: in memory the holders' list is the users' indexes themselves ({@link #holders}), read as they
     * stand, so what any change would record is already there.
     */
    @Override
    public void changeHolder(String user, java.util.function.UnaryOperator<Holders.Ends> change) {
    }

    /** Every user with an index, with when their last grant and last entry end, as their index says now. */
    @Override
    public Map<String, Holders.Ends> holders(boolean dropRejected) {
        Map<String, Holders.Ends> all = new HashMap<>();
        userIndexes.forEach((user, l) -> {
            l.lock();
            try {
                if (!l.retired && !l.index.isEmpty()) {
                    all.put(user, l.index.ends());
                }
            } finally {
                l.unlock();
            }
        });
        return all;
    }

    @Override
    public long count(Cell<?, ?> cell) {
        return maps.get(cell.region()).size();
    }

    @Override
    public long rejected() {
        return -1;
    }

    /** Nothing here waits on anything but its own per-user locks: never wrapped. */
    @Override
    public Cells bounded(Duration timeout) {
        return this;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "in memory (nl3.store=memory), at most " + maxEntries + " grants";
    }

    // --- room ---

    /**
     * After a put, holding no lock: while the index is over its bound, the user who holds the most gives up the entry
     * that ends soonest, never {@code keep} (the entry just put).
     */
    private void keepWithinBound(Index index, Object keep, Drop drop) {
        while (index.size() > maxEntries) {
            boolean dropped = index.fromLargest(e -> {
                Object victim = e.soonest(keep);
                if (victim == null) {
                    return false;
                }
                drop.drop(e, victim);
                return true;
            });
            if (!dropped) {
                // Nothing else to give up: every other entry went meanwhile.
                return;
            }
        }
    }

    /** Drops every entry that ended at {@code now}, in the order they ended; O(log n) each. */
    private static void purgeEnded(Index index, Instant now, Drop drop) {
        for (Index.Slot s = index.first(); s != null && !s.end().isAfter(now); s = index.first()) {
            Index.Slot ended = s;
            boolean dropped = index.lockedIfPresent(ended.user(), e -> {
                if (!e.current(ended)) {
                    return false;
                }
                drop.drop(e, ended.id());
                return true;
            }, false);
            if (!dropped) {
                // Changed or gone meanwhile, which takes its old slot out of the order too; made sure of here.
                index.forget(ended);
            }
        }
    }
}
