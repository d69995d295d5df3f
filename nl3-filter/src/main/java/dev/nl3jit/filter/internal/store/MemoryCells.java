package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.GrantKey;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The default cells ({@code nl3.store=memory}): typed values in concurrent maps of this JVM, no strings, no seal, so
 * the grant path's read is one map lookup. Bounded, with no store-wide lock: grants and pending approvals each hold at
 * most {@code nl3.max-entries}.
 *
 * <p>One record per user: their {@link UserIndex}, changed in place under the user's own short lock, never two users'
 * at once. Every change of an index is told to a {@link Rank} per bounded region, which keeps the entries ordered by
 * the time they end and the users ranked by how many they hold. A cell of those regions leaves its owner's index when it
 * is removed, so the index says exactly what the user holds, and the lock re-check's list of grant holders is read from
 * the indexes' latest ends without a lock. Room is made in this order, each step O(log n) whatever the shape (one entry
 * per user or many, new users or old): entries that ended, whoever's; only then, when the region is over its bound with
 * live entries, the soonest-ending entry (never the entry just put) of a user who holds the most: the user who put, when
 * they are one of those, else whoever has held that many longest. So one user's flood never pushes out another user's
 * live grant or ticket (the per-user cap is the {@link Ledger}'s). Concurrent puts may hold one entry each over the bound until each has
 * made room, which each does before it returns.
 */
public final class MemoryCells implements Cells {
    private final int maxEntries;
    private final Clock clock;
    /** The cells, by region's ordinal. */
    private final ConcurrentHashMap<?, ?>[] maps = new ConcurrentHashMap<?, ?>[Region.values().length];
    private final ConcurrentHashMap<GrantKey, Grant> grants;
    private final ConcurrentHashMap<String, StoredApproval> tickets;
    private final Rank<User> grantRank;
    private final Rank<User> ticketRank;
    /** Each user's record: their index and its lock; out of the map once empty. */
    private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();

    /** One user's index and its lock; retired once empty (whoever waited for it looks the user up again). */
    private final class User extends ReentrantLock implements UserIndex.Watcher {
        private static final long serialVersionUID = 1L;
        final String name;
        final UserIndex index = new UserIndex(this);
        boolean retired;
        /** The user's place in the grants' ranking and in the tickets'. */
        final Rank.Place<User> grantPlace;
        final Rank.Place<User> ticketPlace;
        /** An entry added while the lock is held, by kind: room is made for it once the lock is let go. */
        Object addedGrant;
        Object addedTicket;

        User(String name) {
            this.name = name;
            this.grantPlace = new Rank.Place<>(this, name);
            this.ticketPlace = new Rank.Place<>(this, name);
        }

        @Override
        public long changed(char kind, Object id, UserIndex.Mark before, Instant after, int count) {
            if (kind == UserIndex.GRANT) {
                if (before == null && after != null) {
                    addedGrant = id;
                }
                return grantRank.changed(grantPlace, name, id, before, after, count);
            }
            if (before == null && after != null) {
                addedTicket = id;
            }
            return ticketRank.changed(ticketPlace, name, id, before, after, count);
        }
    }

    /**
     * @param maxEntries cells of each bounded region at most ({@code nl3.max-entries})
     * @param perUser    the per-user cap ({@code nl3.max-entries-per-user}): no user holds more cells of one region
     *                   than this in the bound's ranking
     */
    @SuppressWarnings("unchecked")
    MemoryCells(int maxEntries, int perUser, Clock clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
        for (Region r : Region.values()) {
            maps[r.ordinal()] = new ConcurrentHashMap<>();
        }
        this.grants = (ConcurrentHashMap<GrantKey, Grant>) maps[Region.GRANTS.ordinal()];
        this.tickets = (ConcurrentHashMap<String, StoredApproval>) maps[Region.PENDING.ordinal()];
        // The ranking tolerates a user briefly over the cap (the ledger drops the excess just after a put).
        this.grantRank = new Rank<>(UserIndex.GRANT, perUser + 64);
        this.ticketRank = new Rank<>(UserIndex.PENDING, perUser + 64);
    }

    @SuppressWarnings("unchecked")
    private <K, V> ConcurrentHashMap<K, V> map(Cell<K, V> cell) {
        return (ConcurrentHashMap<K, V>) maps[cell.region().ordinal()];
    }

    /** The region's kind in a user's index; 0: not a region whose cells are indexed. */
    private static char kind(Region r) {
        return r == Region.GRANTS ? UserIndex.GRANT : r == Region.PENDING ? UserIndex.PENDING : 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(Cell<K, V> cell, K key) {
        if (cell == Cell.GRANTS) {
            return (V) grants.get(key); // the grant path
        }
        return map(cell).get(key);
    }

    @Override
    public <K, V> Read<V> read(Cell<K, V> cell, K key) {
        V v = get(cell, key);
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

    /** A cell is set alone; its owner's index (and with it the bound) follows through {@link #changeIndex}. */
    @Override
    @SuppressWarnings("unchecked")
    public <K, V> boolean replace(Cell<K, V> cell, K key, Read<V> expected, V value) {
        ConcurrentHashMap<K, V> m = map(cell);
        V old = (V) expected.stored();
        return old == null ? m.putIfAbsent(key, value) == null : m.replace(key, old, value);
    }

    /** As the default, in one step: a typed value in a map needs no comparison first. */
    @Override
    public <K, V> void set(Cell<K, V> cell, K key, V value) {
        map(cell).put(key, value);
    }

    /** A cell of a user's goes from their index too, under their lock. */
    @Override
    @SuppressWarnings("unchecked")
    public <K, V> boolean remove(Cell<K, V> cell, K key, Read<V> expected) {
        ConcurrentHashMap<K, V> m = map(cell);
        V old = (V) expected.stored();
        if (old == null) {
            return false;
        }
        char kind = kind(cell.region());
        if (kind == 0) {
            return m.remove(key, old);
        }
        // Always under the owner's lock, a record made if there is none: removed without it, the cell could go just
        // after a put of the same key indexed it, leaving an index entry that stands for nothing.
        User u = lock(cell.owner().apply(key, old));
        try {
            if (m.remove(key, old)) {
                u.index.remove(kind, key);
                return true;
            }
            return false;
        } finally {
            unlock(u);
        }
    }

    @Override
    public <K, V> void removeIf(Cell<K, V> cell, Predicate<V> ended) {
        ConcurrentHashMap<K, V> m = map(cell);
        char kind = kind(cell.region());
        if (kind != 0) {
            purgeEnded(kind == UserIndex.GRANT ? grantRank : ticketRank, clock.instant());
        }
        m.forEach((k, v) -> {
            if (ended.test(v)) {
                remove(cell, k, new Read<>(v, v));
            }
        });
    }

    // --- users ---

    /** {@code user}'s record, locked (made if there was none): {@link #unlock} follows. */
    private User lock(String user) {
        while (true) {
            User u = users.computeIfAbsent(user, User::new);
            u.lock();
            if (!u.retired) {
                return u;
            }
            u.unlock(); // retired while this thread waited for its lock: look the user up again
        }
    }

    private void unlock(User u) {
        try {
            if (u.index.isEmpty() && !u.retired) {
                u.retired = true;
                users.remove(u.name, u);
            }
        } finally {
            u.unlock();
        }
    }

    /** Under the user's lock: the index itself is changed, never copied; room is made after for what it added. */
    @Override
    public <R> R changeIndex(String user, Function<UserIndex, R> change) {
        User u = lock(user);
        Object grant;
        Object ticket;
        R out;
        try {
            u.addedGrant = null;
            u.addedTicket = null;
            out = change.apply(u.index);
            grant = recorded(u, UserIndex.GRANT, u.addedGrant, grants);
            ticket = recorded(u, UserIndex.PENDING, u.addedTicket, tickets);
        } finally {
            unlock(u);
        }
        if (grant != null) {
            makeRoom(grantRank, grant, u);
        }
        if (ticket != null) {
            makeRoom(ticketRank, ticket, u);
        }
        return out;
    }

    /**
     * Under {@code u}'s lock: {@code id}, just added to {@code u}'s index, when its cell is there. A cell goes from the
     * index under the same lock, so an entry whose cell went before it was recorded would stand for nothing: it goes.
     */
    private static Object recorded(User u, char kind, Object id, Map<?, ?> cells) {
        if (id != null && !cells.containsKey(id)) {
            u.index.remove(kind, id);
            return null;
        }
        return id;
    }

    @Override
    public boolean hasIndex(String user) {
        return users.containsKey(user);
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
        users.forEach((name, u) -> {
            if (!u.index.isEmpty()) {
                all.put(name, u.index.ends());
            }
        });
        return all;
    }

    /**
     * Exact here: a grant leaves its owner's index when it goes, so an index's last grant is a grant held. A view of the
     * users' records, read as it is used (no copy of 10,000 names every look): a user whose last grant ends after
     * {@code now} is in it.
     */
    @Override
    public Set<String> knownGrantHolders(Instant now) {
        purgeEnded(grantRank, now);
        return new Holding(UserIndex.epochNanos(now));
    }

    /** The users holding a grant that ends after {@code at} (nanoseconds of the epoch), read from their records. */
    private final class Holding extends java.util.AbstractSet<String> {
        private final long at;
        /** Counted once, when first asked. */
        private int size = -1;

        Holding(long at) {
            this.at = at;
        }

        @Override
        public boolean contains(Object o) {
            User u = o instanceof String name ? users.get(name) : null;
            return u != null && u.index.holdsGrantAfter(at);
        }

        @Override
        public java.util.Iterator<String> iterator() {
            java.util.Iterator<User> all = users.values().iterator();
            return new java.util.Iterator<>() {
                private String next = advance();

                private String advance() {
                    while (all.hasNext()) {
                        User u = all.next();
                        if (u.index.holdsGrantAfter(at)) {
                            return u.name;
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public String next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    String n = next;
                    next = advance();
                    return n;
                }
            };
        }

        @Override
        public int size() {
            if (size < 0) {
                int n = 0;
                for (java.util.Iterator<String> it = iterator(); it.hasNext(); it.next()) {
                    n++;
                }
                size = n;
            }
            return size;
        }
    }

    @Override
    public long count(Cell<?, ?> cell) {
        return maps[cell.region().ordinal()].size();
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

    /** Takes {@code id} of {@code u} out of its map and its index; under {@code u}'s lock. */
    private void drop(User u, char kind, Object id) {
        UserIndex.Mark m = u.index.markOf(id);
        if (m != null) {
            // Only the value this entry stands for: a put of the same key stores its cell before it is indexed, so a
            // cell that ends otherwise is that newer value, and its own index change follows.
            Instant end = m.end();
            if (kind == UserIndex.GRANT) {
                grants.computeIfPresent((GrantKey) id, (k, v) -> v.until().equals(end) ? null : v);
            } else {
                tickets.computeIfPresent((String) id, (k, v) -> v.keepUntil().equals(end) ? null : v);
            }
        }
        u.index.remove(kind, id);
    }

    /**
     * After {@code owner}'s put of {@code keep}, holding no lock: what ended goes, then, while over the bound, the
     * soonest-ending entry of a user holding the most: {@code owner} when they are one of those (a flood pays for
     * itself, and two puts at once seldom reach for the same user), else whoever has held that many longest.
     */
    private void makeRoom(Rank<User> rank, Object keep, User owner) {
        purgeEnded(rank, clock.instant());
        if (rank.size() <= maxEntries) {
            return;
        }
        List<User> candidates = new ArrayList<>(4);
        while (rank.size() > maxEntries) {
            candidates.clear();
            // The owner's count is read without their lock (a moment old at worst): checked again under it. They can
            // give only while they hold one besides the entry just put.
            int owned = Math.min(owner.index.count(rank.kind), rank.top());
            if (owned > 1 && owned >= rank.highestBound()) {
                // No one holds more than the bound: the owner is among those holding the most.
                candidates.add(owner);
                if (dropFromOneOf(rank, candidates, owned, keep)) {
                    continue;
                }
                candidates.clear();
            }
            int level = rank.largest(candidates, 4);
            if (level > 0 && owned > 1 && owned >= level && candidates.get(0) != owner) {
                candidates.remove(owner);
                candidates.add(0, owner);
            }
            if (level == 0 || !dropFromOneOf(rank, candidates, level, keep)) {
                return; // nothing else to give up: every other entry went meanwhile
            }
        }
    }

    /**
     * Drops the soonest-ending entry (never {@code keep}) of the first of {@code candidates} still holding {@code level}
     * entries whose lock is free; when all are busy, waits for the first busy one. {@code false}: none could give.
     */
    private boolean dropFromOneOf(Rank<User> rank, List<User> candidates, int level, Object keep) {
        User busy = null;
        for (User u : candidates) {
            if (!u.tryLock()) {
                busy = busy == null ? u : busy;
                continue;
            }
            try {
                if (dropSoonest(u, rank, level, keep)) {
                    return true;
                }
            } finally {
                unlock(u);
            }
        }
        if (busy != null) {
            // Its holder lets go within a few steps (user locks are held for map and list updates only): spin a
            // little before parking this thread, which on a busy machine costs more than the whole put.
            for (int spin = 0; spin < 256; spin++) {
                if (busy.tryLock()) {
                    try {
                        return dropSoonest(busy, rank, level, keep) || true;
                    } finally {
                        unlock(busy);
                    }
                }
                Thread.onSpinWait();
            }
            busy.lock();
            try {
                return dropSoonest(busy, rank, level, keep) || true; // changed meanwhile: the caller looks again
            } finally {
                unlock(busy);
            }
        }
        return false;
    }

    private boolean dropSoonest(User u, Rank<User> rank, int level, Object keep) {
        if (u.retired || u.index.count(rank.kind) < Math.min(level, rank.top())) {
            return false; // no longer among the largest
        }
        Object victim = u.index.soonest(rank.kind, keep);
        if (victim == null) {
            return false;
        }
        drop(u, rank.kind, victim);
        return true;
    }

    /** Drops every entry that ended at {@code now}, in the order they ended; O(log n) each. */
    private void purgeEnded(Rank<User> rank, Instant now) {
        for (Rank.Slot s = rank.first(); s != null && !s.end().isAfter(now); s = rank.first()) {
            User u = users.get(s.user());
            boolean dropped = false;
            if (u != null) { // a retired record's index is empty: the slot is stale
                u.lock();
                try {
                    UserIndex.Mark m = u.retired ? null : u.index.markOf(s.id());
                    if (m != null && m.place() == s.seq()) {
                        drop(u, rank.kind, s.id());
                        dropped = true;
                    }
                } finally {
                    unlock(u);
                }
            }
            if (!dropped) {
                // Changed or gone meanwhile, which takes its old slot out of the order too; made sure of here.
                rank.forget(s);
            }
        }
    }
}
