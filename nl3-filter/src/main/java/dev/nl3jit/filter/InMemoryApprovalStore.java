package dev.nl3jit.filter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounded, expiring, in-memory store. Reads and grant uses are lock-free map operations; changes of what is held
 * (put, remove, revoke) take one short lock that keeps two indexes up to date: the entries of each user, and the
 * entries ordered by the time they end. Room is made in this order, each step O(log n) or bounded by the per-user
 * cap: entries that ended; the same user's entry that ends soonest when the user is at their cap; only then, when
 * the whole store is full of live entries, the soonest-ending entry of the user who holds the most. So one user's
 * flood never pushes out another user's live grant or ticket.
 */
final class InMemoryApprovalStore implements ApprovalStore {
    private final int maxEntries;
    private final int perUser;
    private final Clock clock;
    private final ConcurrentHashMap<GrantKey, Grant> grants = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<GrantKey, PendingApproval> pendingByKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PendingApproval> pendingByTicket = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<GrantKey, Claim> claims = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LockState> locks = new ConcurrentHashMap<>();
    /** Guarded by {@code this}. */
    private final Index grantIndex = new Index();
    /** Guarded by {@code this}; ids are tickets. */
    private final Index pendingIndex = new Index();

    private record Bucket(double tokens, Instant at) {
    }

    private record Claim(String claimant, Instant until) {
    }

    /** When each entry ends, in order, and whose it is. */
    private static final class Index {
        private record Slot(Instant end, long seq, Object id) implements Comparable<Slot> {
            @Override
            public int compareTo(Slot o) {
                int c = end.compareTo(o.end);
                return c != 0 ? c : Long.compare(seq, o.seq);
            }
        }

        private final TreeSet<Slot> byEnd = new TreeSet<>();
        private final Map<Object, Slot> slots = new HashMap<>();
        private final Map<Object, String> owner = new HashMap<>();
        private final Map<String, Set<Object>> byUser = new HashMap<>();
        /** Users by how many entries they hold, to find the largest in O(log n). */
        private final java.util.TreeMap<Integer, Set<String>> usersByCount = new java.util.TreeMap<>();
        private long seq;

        private void recount(String user, int before, int after) {
            if (before > 0) {
                Set<String> users = usersByCount.get(before);
                users.remove(user);
                if (users.isEmpty()) {
                    usersByCount.remove(before);
                }
            }
            if (after > 0) {
                usersByCount.computeIfAbsent(after, c -> new HashSet<>()).add(user);
            }
        }

        /** The user holding the most entries. */
        String largestUser() {
            return usersByCount.isEmpty() ? null : usersByCount.lastEntry().getValue().iterator().next();
        }

        void put(Object id, String user, Instant end) {
            remove(id);
            Slot s = new Slot(end, seq++, id);
            byEnd.add(s);
            slots.put(id, s);
            owner.put(id, user);
            Set<Object> ids = byUser.computeIfAbsent(user, u -> new LinkedHashSet<>());
            ids.add(id);
            recount(user, ids.size() - 1, ids.size());
        }

        void remove(Object id) {
            Slot s = slots.remove(id);
            if (s == null) {
                return;
            }
            byEnd.remove(s);
            String user = owner.remove(id);
            Set<Object> ids = byUser.get(user);
            if (ids != null && ids.remove(id)) {
                recount(user, ids.size() + 1, ids.size());
                if (ids.isEmpty()) {
                    byUser.remove(user);
                }
            }
        }

        int size() {
            return slots.size();
        }

        /** The id that ends first, if it ended before {@code now}. */
        Object firstEndedBefore(Instant now) {
            return byEnd.isEmpty() || byEnd.first().end().isAfter(now) ? null : byEnd.first().id();
        }

        int countOf(String user) {
            Set<Object> ids = byUser.get(user);
            return ids == null ? 0 : ids.size();
        }

        /** The user's entry that ends soonest (at most per-user cap entries to look at). */
        Object soonestOf(String user) {
            Slot best = null;
            for (Object id : byUser.getOrDefault(user, Set.of())) {
                Slot s = slots.get(id);
                if (best == null || s.compareTo(best) < 0) {
                    best = s;
                }
            }
            return best == null ? null : best.id();
        }

        List<Object> idsOf(String user) {
            return new ArrayList<>(byUser.getOrDefault(user, Set.of()));
        }

        Set<String> users() {
            return new HashSet<>(byUser.keySet());
        }
    }

    InMemoryApprovalStore(int maxEntries, int perUser, Clock clock) {
        this.maxEntries = maxEntries;
        this.perUser = perUser;
        this.clock = clock;
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
            synchronized (this) {
                if (!grants.containsKey(key)) {
                    grantIndex.remove(key);
                }
            }
        }
        return used[0];
    }

    @Override
    public synchronized void putGrant(GrantKey key, Grant grant) {
        if (!grants.containsKey(key)) {
            makeRoom(grantIndex, key.user(), this::dropGrant);
        }
        grants.put(key, grant);
        grantIndex.put(key, key.user(), grant.until());
    }

    @Override
    public synchronized void removeGrant(GrantKey key) {
        dropGrant(key);
    }

    private void dropGrant(Object key) {
        grants.remove(key);
        grantIndex.remove(key);
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
    public synchronized void putPending(PendingApproval p) {
        if (!pendingByTicket.containsKey(p.ticket())) {
            makeRoom(pendingIndex, p.key().user(), this::dropPending);
        }
        PendingApproval previous = pendingByKey.put(p.key(), p);
        if (previous != null && !previous.ticket().equals(p.ticket())) {
            pendingByTicket.remove(previous.ticket());
            pendingIndex.remove(previous.ticket());
        }
        pendingByTicket.put(p.ticket(), p);
        pendingIndex.put(p.ticket(), p.key().user(), p.keepUntil());
    }

    @Override
    public synchronized boolean replacePending(PendingApproval expected, PendingApproval replacement) {
        if (!expected.ticket().equals(replacement.ticket())) {
            throw new IllegalArgumentException("a replacement keeps its ticket");
        }
        PendingApproval current = pendingByTicket.get(expected.ticket());
        if (current == null || !current.equals(expected)) {
            return false;
        }
        putPending(replacement);
        return true;
    }

    @Override
    public synchronized void removePending(PendingApproval p) {
        dropPending(p.ticket());
    }

    private void dropPending(Object ticket) {
        PendingApproval p = pendingByTicket.remove(ticket);
        pendingIndex.remove(ticket);
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
    public synchronized int revokeUser(String user) {
        int n = 0;
        for (Object key : grantIndex.idsOf(user)) {
            dropGrant(key);
            n++;
        }
        for (Object ticket : pendingIndex.idsOf(user)) {
            dropPending(ticket);
            n++;
        }
        return n;
    }

    @Override
    public synchronized Set<String> usersWithGrants(Instant now) {
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
    public synchronized void purge(Instant now) {
        claims.values().removeIf(c -> !c.until().isAfter(now));
        locks.values().removeIf(l -> !l.until().isAfter(now));
        purgeEnded(grantIndex, now, this::dropGrant);
        purgeEnded(pendingIndex, now, this::dropPending);
        // A bucket refills within its window; one older than a day is full, as good as absent.
        buckets.values().removeIf(b -> b.at().isBefore(now.minus(Duration.ofDays(1))));
    }

    // --- room ---

    private interface Drop {
        void drop(Object id);
    }

    private void makeRoom(Index index, String user, Drop drop) {
        Instant now = clock.instant();
        purgeEnded(index, now, drop);
        while (index.countOf(user) >= perUser) {
            drop.drop(index.soonestOf(user));
        }
        while (index.size() >= maxEntries) {
            // Full of live entries, nobody over their cap: the user holding the most gives up their soonest-ending one.
            drop.drop(index.soonestOf(index.largestUser()));
        }
    }

    private static void purgeEnded(Index index, Instant now, Drop drop) {
        for (Object id = index.firstEndedBefore(now); id != null; id = index.firstEndedBefore(now)) {
            drop.drop(id);
        }
    }
}
