package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.PendingApproval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Bounded, expiring, in-memory store, with no store-wide lock. Reads and grant uses are lock-free map operations.
 * Changes of what a user holds (put, remove, revoke) take that user's own short lock, never two users' at once, and
 * keep two concurrent indexes up to date: the entries ordered by the time they end, and the users ranked by how many
 * entries they hold. Room is made in this order, each step O(log n), or O(per-user cap) for a user at their cap:
 * entries that ended, whoever's; at the user's cap, their own entry that ends soonest (under their lock, before the new
 * entry goes in); only then, when the whole store is over its bound with live entries, the soonest-ending entry of the
 * user who holds the most (never the entry just put). So one user's flood never pushes out another user's live grant
 * or ticket. Concurrent puts may hold one entry each over the bound until each has made room, which each does before
 * it returns.
 */
public final class InMemoryApprovalStore implements ApprovalStore {
    private final int maxEntries;
    private final int perUser;
    private final Clock clock;
    private final ConcurrentHashMap<GrantKey, Grant> grants = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<GrantKey, PendingApproval> pendingByKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PendingApproval> pendingByTicket = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<GrantKey, Claim> claims = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LockState> locks = new ConcurrentHashMap<>();
    /** Grants by grant key; a user's grants change under that user's lock in this index. */
    private final Index grantIndex;
    /** Pending approvals by ticket; a user's tickets (both maps) change under that user's lock in this index. */
    private final Index pendingIndex;

    private record Bucket(double tokens, Instant at) {
    }

    private record Claim(String claimant, Instant until) {
    }

    /** Removes one entry of a user from its maps and from the index; called under that user's lock. */
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
                Entries e = make ? users.computeIfAbsent(user, Entries::new) : users.get(user);
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

    public InMemoryApprovalStore(int maxEntries, int perUser, Clock clock) {
        this.maxEntries = maxEntries;
        this.perUser = perUser;
        this.clock = clock;
        this.grantIndex = new Index(perUser);
        this.pendingIndex = new Index(perUser);
    }

    // --- grants ---

    @Override
    public Optional<Grant> grant(GrantKey key) {
        return Optional.ofNullable(grants.get(key));
    }

    @Override
    public boolean useGrant(GrantKey key, Instant now) {
        Grant live = grants.get(key);
        if (live == null) {
            return false;
        }
        if (live.usesLeft() == Grant.UNLIMITED && live.liveAt(now)) {
            // An unlimited grant is only read: concurrent requests of one user never wait on each other.
            return true;
        }
        boolean[] used = {false};
        boolean[] gone = {false};
        grants.computeIfPresent(key, (k, g) -> {
            if (!g.liveAt(now)) {
                gone[0] = true;
                return null;
            }
            used[0] = true;
            Grant after = g.afterOneUse();
            gone[0] = after == null;
            return after;
        });
        if (gone[0]) {
            grantIndex.lockedIfPresent(key.user(), e -> {
                if (!grants.containsKey(key)) {
                    e.remove(key);
                }
                return null;
            }, null);
        }
        return used[0];
    }

    @Override
    public void putGrant(GrantKey key, Grant grant) {
        purgeEnded(grantIndex, clock.instant(), this::dropGrant);
        grantIndex.locked(key.user(), e -> {
            if (!e.contains(key)) {
                makeRoomForOneMore(e, this::dropGrant);
            }
            grants.put(key, grant);
            e.put(key, grant.until());
            return null;
        });
        keepWithinBound(grantIndex, key, this::dropGrant);
    }

    @Override
    public void removeGrant(GrantKey key) {
        grantIndex.lockedIfPresent(key.user(), e -> {
            dropGrant(e, key);
            return null;
        }, null);
    }

    private void dropGrant(Index.Entries e, Object key) {
        grants.remove(key);
        e.remove(key);
    }

    // --- pending approvals ---

    @Override
    public Optional<PendingApproval> pending(GrantKey key) {
        return Optional.ofNullable(pendingByKey.get(key));
    }

    @Override
    public Optional<PendingApproval> pendingByTicket(String ticket) {
        return Optional.ofNullable(pendingByTicket.get(ticket));
    }

    @Override
    public void putPending(PendingApproval p) {
        purgeEnded(pendingIndex, clock.instant(), this::dropPending);
        pendingIndex.locked(p.key().user(), e -> {
            putPending(e, p);
            return null;
        });
        keepWithinBound(pendingIndex, p.ticket(), this::dropPending);
    }

    /** Under the user's lock. */
    private void putPending(Index.Entries e, PendingApproval p) {
        if (!e.contains(p.ticket())) {
            makeRoomForOneMore(e, this::dropPending);
        }
        PendingApproval previous = pendingByKey.put(p.key(), p);
        if (previous != null && !previous.ticket().equals(p.ticket())) {
            pendingByTicket.remove(previous.ticket());
            e.remove(previous.ticket());
        }
        pendingByTicket.put(p.ticket(), p);
        e.put(p.ticket(), p.keepUntil());
    }

    @Override
    public boolean replacePending(PendingApproval expected, PendingApproval replacement) {
        if (!expected.ticket().equals(replacement.ticket()) || !expected.key().equals(replacement.key())) {
            throw new IllegalArgumentException("a replacement keeps its ticket and its grant key");
        }
        return pendingIndex.lockedIfPresent(expected.key().user(), e -> {
            PendingApproval current = pendingByTicket.get(expected.ticket());
            if (current == null || !current.equals(expected)) {
                return false;
            }
            putPending(e, replacement);
            return true;
        }, false);
    }

    @Override
    public void removePending(PendingApproval p) {
        pendingIndex.lockedIfPresent(p.key().user(), e -> {
            dropPending(e, p.ticket());
            return null;
        }, null);
    }

    private void dropPending(Index.Entries e, Object ticket) {
        PendingApproval p = pendingByTicket.remove(ticket);
        e.remove(ticket);
        if (p != null) {
            pendingByKey.remove(p.key(), p);
        }
    }

    @Override
    public long grantCount() {
        return grants.size();
    }

    @Override
    public long pendingCount() {
        return pendingByTicket.size();
    }

    // --- users ---

    @Override
    public int revokeUser(String user) {
        int grantsDropped = grantIndex.lockedIfPresent(user, e -> dropAll(e, this::dropGrant), 0);
        return grantsDropped + pendingIndex.lockedIfPresent(user, e -> dropAll(e, this::dropPending), 0);
    }

    private static int dropAll(Index.Entries e, Drop drop) {
        List<Object> ids = e.ids();
        for (Object id : ids) {
            drop.drop(e, id);
        }
        return ids.size();
    }

    @Override
    public Set<String> usersWithGrants(Instant now) {
        purgeEnded(grantIndex, now, this::dropGrant);
        return grantIndex.users();
    }

    @Override
    public Duration takeRequestToken(String user, int capacity, Duration window, Instant now) {
        double perNano = (double) capacity / window.toNanos();
        Duration[] wait = {Duration.ZERO};
        buckets.compute(user, (u, b) -> {
            double tokens = capacity;
            if (b != null) {
                long elapsed = Math.max(0, Duration.between(b.at(), now).toNanos());
                tokens = Math.min(capacity, b.tokens() + elapsed * perNano);
            }
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now);
            }
            wait[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
            return new Bucket(tokens, now);
        });
        return wait[0];
    }

    @Override
    public void returnRequestToken(String user, int capacity, Duration window, Instant now) {
        double perNano = (double) capacity / window.toNanos();
        buckets.computeIfPresent(user, (u, b) -> {
            long elapsed = Math.max(0, Duration.between(b.at(), now).toNanos());
            return new Bucket(Math.min(capacity, b.tokens() + elapsed * perNano + 1), now);
        });
    }

    // --- claims and locks ---

    @Override
    public boolean claimRequest(GrantKey key, String claimant, Instant now, Instant until) {
        Claim mine = new Claim(claimant, until);
        return claims.compute(key, (k, c) -> c == null || !c.until().isAfter(now) ? mine : c) == mine;
    }

    @Override
    public void releaseRequest(GrantKey key, String claimant) {
        claims.computeIfPresent(key, (k, c) -> c.claimant().equals(claimant) ? null : c);
    }

    @Override
    public void putLockState(String user, LockState state) {
        locks.put(user, state);
    }

    @Override
    public Optional<LockState> lockState(String user, Instant now) {
        LockState s = locks.get(user);
        return s != null && s.until().isAfter(now) ? Optional.of(s) : Optional.empty();
    }

    @Override
    public void purge(Instant now) {
        claims.values().removeIf(c -> !c.until().isAfter(now));
        locks.values().removeIf(l -> !l.until().isAfter(now));
        purgeEnded(grantIndex, now, this::dropGrant);
        purgeEnded(pendingIndex, now, this::dropPending);
        // A bucket refills within its window; one older than a day is full, as good as absent.
        buckets.values().removeIf(b -> b.at().isBefore(now.minus(Duration.ofDays(1))));
    }

    // --- room ---

    /**
     * Under the user's lock, before a new entry of theirs (ended entries, theirs included, went just before): at their
     * cap, their entry that ends soonest.
     */
    private void makeRoomForOneMore(Index.Entries e, Drop drop) {
        while (e.count() >= perUser) {
            drop.drop(e, e.soonest(null));
        }
    }

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
