package dev.nl3jit.filter.internal.store;


import dev.nl3jit.filter.GrantKey;

import dev.nl3jit.filter.Nl3Settings;

import dev.nl3jit.filter.spi.KeyValueStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The store's rules, once, on top of {@link Cells}: single use, request limits, claims on new approval requests,
 * per-user caps, lock knowledge, who holds anything, eviction and purge. Every decision is one conditional operation on
 * one cell ({@code replace} against what was read, {@code remove} of exactly that), retried on contention, so the
 * same guarantees hold however many requests race, on one node or on many sharing one backend.
 *
 * <p>Cells by region: a grant per grant key; a pending approval per ticket, and the ticket per grant key; per user, an
 * index of their grants and tickets with when each ends ({@link UserIndex}: the per-user cap and revocation); who holds
 * anything, with when their last grant and last entry end ({@link Holders}: the lock re-check and the purge read these,
 * never a walk over grants); a new-request bucket per user; a claim per grant key; the lock knowledge per user. Two kinds of
 * cells: typed values in memory ({@code nl3.store=memory}, bounded by {@code nl3.max-entries}) and sealed strings in a
 * {@link KeyValueStore}.
 */
public final class Ledger implements AutoCloseable {
    private final Cells cells;
    private final int perUser;
    private final Clock clock;
    /** This node's copies of unlimited grants of a shared backend; {@code null}: none kept (in memory, or not asked). */
    private final GrantCopies copies;

    Ledger(Cells cells, int perUser, Clock clock) {
        this(cells, perUser, clock, null);
    }

    private Ledger(Cells cells, int perUser, Clock clock, GrantCopies copies) {
        if (perUser < 1) {
            throw new IllegalArgumentException("perUser must be at least 1: " + perUser);
        }
        this.cells = Objects.requireNonNull(cells, "cells");
        this.perUser = perUser;
        this.clock = clock;
        this.copies = copies;
    }

    /**
     * The same ledger, keeping this node's copies of unlimited grants read from a shared backend ({@link GrantCopies}),
     * relied on no longer than the lock bound allows; itself in memory, where a read is already a map lookup.
     *
     * @param lockRecheck {@code nl3.lock-recheck}
     * @param lockChecks  {@code nl3.lock-check}
     * @param max         copies at most
     */
    public Ledger withGrantCopies(Duration lockRecheck, boolean lockChecks, int max) {
        if (cells instanceof MemoryCells) {
            return this;
        }
        return new Ledger(cells, perUser, clock, new GrantCopies(lockRecheck, lockChecks, max));
    }

    /** Copies of unlimited grants this node holds; -1 when it keeps none. */
    public int grantCopies() {
        return copies == null ? -1 : copies.size();
    }

    /** In memory: at most {@code maxEntries} grants and as many pending approvals, at most {@code perUser} of each per user. */
    public static Ledger inMemory(int maxEntries, int perUser, Clock clock) {
        return new Ledger(new MemoryCells(maxEntries, perUser, clock), perUser, clock);
    }

    /**
     * On a shared backend, every value sealed with {@code sealKey} ({@link Nl3Settings#storeSealKey()}) and bound to
     * {@code name} ({@code nl3.store-name}), so a value of one application's store is not honoured in another's.
     */
    public static Ledger over(KeyValueStore store, String name, byte[] sealKey, int perUser, Clock clock) {
        return new Ledger(new SealedCells(store, name, sealKey, clock), perUser, clock);
    }

    /** The same ledger with every backend call within {@code timeout}; itself in memory. */
    public Ledger bounded(Duration timeout) {
        Cells b = cells.bounded(timeout);
        return b == cells ? this : new Ledger(b, perUser, clock, copies);
    }

    /** Stops threads {@link #bounded} made (the engine is closing); the backend stays open. */
    public void stopThreads() {
        cells.stopThreads();
    }

    Cells cells() {
        return cells;
    }

    /**
     * Changes a cell atomically: {@code change} gets its value (or {@code null}) and returns the new one ({@code null}:
     * remove; the same: leave it). Retried until no other writer raced. A value that is absent to the ledger (ended,
     * or failing the seal's check) is given as {@code null}; when {@code change} makes something of nothing, it
     * replaces exactly that value, else the value stays.
     */
    private <K, V> V update(Cell<K, V> cell, K key, UnaryOperator<V> change) {
        while (true) {
            Cells.Read<V> read = cells.read(cell, key);
            V old = read.value();
            V next = change.apply(old);
            if (Objects.equals(old, next) || (next == null && old == null)) {
                return next;
            }
            boolean done = next == null ? cells.remove(cell, key, read) : cells.replace(cell, key, read, next);
            if (done) {
                return next;
            }
            Thread.onSpinWait();
        }
    }

    /** Sets a cell, whatever it held. */
    private <K, V> void put(Cell<K, V> cell, K key, V value) {
        cells.set(cell, key, value);
    }

    /** Removes a cell, whatever it holds. */
    private <K, V> void remove(Cell<K, V> cell, K key) {
        while (true) {
            Cells.Read<V> read = cells.read(cell, key);
            if (read.stored() == null || cells.remove(cell, key, read)) {
                return;
            }
        }
    }

    // --- grants ---

    /**
     * Takes one use of the grant under {@code key}, atomically: {@code true} when a grant live at {@code now} let the
     * request through. A grant that is expired or used up is gone afterwards.
     */
    public boolean useGrant(GrantKey key, Instant now) {
        if (copies != null) {
            return copies.live(key, now) || useGrantAndCopy(key, now);
        }
        Grant live = cells.get(Cell.GRANTS, key);
        if (live == null) {
            return false;
        }
        // An unlimited grant is only read: concurrent requests of one user never wait on each other.
        return live.usesLeft() == Grant.UNLIMITED && live.liveAt(now) || takeOneUse(key, now);
    }

    /** The grant path on a shared backend without a copy: an unlimited grant read is copied for the next requests. */
    private boolean useGrantAndCopy(GrantKey key, Instant now) {
        return endingCopiesOnFailure(() -> {
            long stamp = copies.stamp();
            Grant live = cells.get(Cell.GRANTS, key);
            if (live == null) {
                return false;
            }
            if (live.usesLeft() == Grant.UNLIMITED && live.liveAt(now)) {
                copies.keep(key, live, cells.get(Cell.LOCKS, key.user()), now, stamp);
                return true;
            }
            return takeOneUse(key, now);
        });
    }

    /**
     * Runs {@code op} on the backend; when it fails, every grant copy of this node ends first (no copy answers for a
     * failing backend: the grant path then fails closed), and the failure goes on.
     */
    private <T> T endingCopiesOnFailure(java.util.function.Supplier<T> op) {
        if (copies == null) {
            return op.get();
        }
        try {
            return op.get();
        } catch (RuntimeException e) {
            copies.clear();
            throw e;
        }
    }

    /** The grant path for a counted grant, or one that may have ended: one use taken, or an ended one removed. */
    private boolean takeOneUse(GrantKey key, Instant now) {
        while (true) {
            Cells.Read<Grant> read = cells.read(Cell.GRANTS, key);
            Grant g = read.value();
            if (g == null) {
                return false; // none, ended, or one that fails the check: left as it is
            }
            if (!g.liveAt(now)) {
                cells.remove(Cell.GRANTS, key, read);
                return false;
            }
            Grant after = g.afterOneUse();
            if (after == g) {
                return true;
            }
            if (after == null ? cells.remove(Cell.GRANTS, key, read) : cells.replace(Cell.GRANTS, key, read, after)) {
                return true;
            }
        }
    }

    /** Stores a grant; the user's grants beyond their cap go, soonest-ending first. */
    public void putGrant(GrantKey key, Grant grant) {
        if (copies != null) {
            copies.forget(key);
        }
        put(Cell.GRANTS, key, grant);
        index(key.user(), UserIndex.GRANT, key, grant.until());
    }

    /** The grant under {@code key} as stored (an ended one may be reported), for tests and tools. */
    public Optional<Grant> peekGrant(GrantKey key) {
        return Optional.ofNullable(cells.get(Cell.GRANTS, key));
    }

    // --- pending approvals ---

    public Optional<StoredApproval> pending(GrantKey key) {
        Cells.Read<Cell.TicketOf> t = cells.read(Cell.PENDING_KEYS, key);
        if (t.value() == null) {
            return Optional.empty();
        }
        Cells.Read<StoredApproval> p = cells.read(Cell.PENDING, t.value().ticket());
        if (p.value() != null && p.value().key().equals(key)) {
            return Optional.of(p.value());
        }
        if (p.stored() == null) {
            cells.remove(Cell.PENDING_KEYS, key, t); // its ticket went (evicted, purged): so does the reference
        }
        return Optional.empty();
    }

    /** The pending approval with this ticket (one that ended may be reported until the purge; callers compare). */
    public Optional<StoredApproval> pendingByTicket(String ticket) {
        return Optional.ofNullable(cells.get(Cell.PENDING, ticket));
    }

    /** Stores or replaces (same ticket) a pending approval; a grant key's other ticket goes. */
    public void putPending(StoredApproval p) {
        update(Cell.PENDING, p.ticket(), old -> old == null || p.version() > old.version() ? p : p.withVersion(old.version() + 1));
        Cell.TicketOf mine = new Cell.TicketOf(p.ticket(), p.keepUntil());
        String[] previous = {null};
        update(Cell.PENDING_KEYS, p.key(), old -> {
            previous[0] = old == null ? null : old.ticket();
            return mine;
        });
        if (previous[0] != null && !previous[0].equals(p.ticket())) {
            remove(Cell.PENDING, previous[0]);
        }
        index(p.key().user(), UserIndex.PENDING, p.ticket(), p.keepUntil());
    }

    /**
     * Replaces {@code expected} by {@code replacement} of the same ticket and grant key, atomically, when the stored
     * version is still {@code expected}'s; {@code false} when another version, or none, is stored.
     *
     * @throws IllegalArgumentException when the replacement has another ticket or grant key
     */
    public boolean replacePending(StoredApproval expected, StoredApproval replacement) {
        if (!expected.ticket().equals(replacement.ticket()) || !expected.key().equals(replacement.key())) {
            throw new IllegalArgumentException("a replacement keeps its ticket and its grant key");
        }
        StoredApproval next = replacement.version() > expected.version() ? replacement
                : replacement.withVersion(expected.version() + 1);
        while (true) {
            Cells.Read<StoredApproval> current = cells.read(Cell.PENDING, expected.ticket());
            if (current.value() == null || current.value().version() != expected.version()) {
                return false; // none, another, or one that fails the check (never matched, never overwritten)
            }
            if (cells.replace(Cell.PENDING, expected.ticket(), current, next)) {
                break;
            }
        }
        if (!expected.keepUntil().equals(next.keepUntil())) {
            index(next.key().user(), UserIndex.PENDING, next.ticket(), next.keepUntil());
            update(Cell.PENDING_KEYS, next.key(), old -> old != null && old.ticket().equals(next.ticket())
                    ? new Cell.TicketOf(next.ticket(), next.keepUntil()) : old);
        }
        return true;
    }

    public void removePending(StoredApproval p) {
        remove(Cell.PENDING, p.ticket());
        update(Cell.PENDING_KEYS, p.key(), old -> old != null && old.ticket().equals(p.ticket()) ? null : old);
        cells.changeIndex(p.key().user(), index -> {
            index.remove(UserIndex.PENDING, p.ticket());
            return null;
        });
    }

    public long grantCount() {
        return cells.count(Cell.GRANTS);
    }

    public long pendingCount() {
        return cells.count(Cell.PENDING);
    }

    // --- users: caps, revocation, the lock re-check ---

    /**
     * Records an entry in its user's index ({@code id}: a grant key, or a ticket); their entries over the cap are
     * dropped, soonest-ending first; the holders' list says they hold something until then.
     */
    private void index(String user, char kind, Object id, Instant end) {
        List<UserIndex.Entry> dropped = cells.changeIndex(user, index -> {
            index.remove(kind, id);
            List<UserIndex.Entry> over = index.overCap(kind, perUser - 1); // at the cap: theirs that ends soonest, never this one
            index.add(kind, id, end);
            return over;
        });
        for (UserIndex.Entry e : dropped) {
            drop(e);
        }
        Instant grantEnd = kind == UserIndex.GRANT ? end : null;
        cells.changeHolder(user, old -> Holders.Ends.extend(old, grantEnd, end));
    }

    private void drop(UserIndex.Entry e) {
        if (e.kind() == UserIndex.GRANT) {
            remove(Cell.GRANTS, (GrantKey) e.id());
        } else {
            String ticket = (String) e.id();
            Cells.Read<StoredApproval> v = cells.read(Cell.PENDING, ticket);
            if (v.value() != null) {
                remove(Cell.PENDING, ticket);
                StoredApproval p = v.value();
                update(Cell.PENDING_KEYS, p.key(), old -> old != null && old.ticket().equals(p.ticket()) ? null : old);
            } else if (v.stored() != null) {
                cells.remove(Cell.PENDING, ticket, v); // the index says this ticket is the user's, and it goes
            }
        }
    }

    /** Removes every grant and pending approval of {@code user} (their account was locked); how many went. */
    public int revokeUser(String user) {
        if (copies != null) {
            copies.forget(user);
        }
        List<UserIndex.Entry> entries = cells.changeIndex(user, UserIndex::clear);
        int n = 0;
        for (UserIndex.Entry e : entries) {
            boolean present = e.kind() == UserIndex.GRANT ? cells.get(Cell.GRANTS, (GrantKey) e.id()) != null
                    : cells.get(Cell.PENDING, (String) e.id()) != null;
            drop(e);
            n += present ? 1 : 0;
        }
        // Read after the holders' entry: an entry made meanwhile either shows here, or its own change of the list follows.
        cells.changeHolder(user, old -> old == null || cells.hasIndex(user) ? old : null);
        return n;
    }

    /** The users holding a grant live at {@code now}: the holders' list says who may, their grants say who does. */
    public Set<String> usersWithGrants(Instant now) {
        Set<String> known = cells.knownGrantHolders(now);
        if (known != null) {
            return known;
        }
        return endingCopiesOnFailure(() -> grantHolders(now)); // the lock re-check's look notices a failing backend
    }

    private Set<String> grantHolders(Instant now) {
        Set<String> out = new HashSet<>();
        cells.holders(false).forEach((user, ends) -> {
            if (ends.grant() == null || !ends.grant().isAfter(now)) {
                return;
            }
            Set<GrantKey> keys = cells.changeIndex(user, index -> index.grantsAfter(now));
            if (!keys.isEmpty() && cells.any(Cell.GRANTS, keys, g -> g.liveAt(now))) {
                out.add(user);
            }
        });
        return out;
    }

    // --- request limits ---

    /**
     * Takes one of {@code user}'s new-request tokens from a bucket of {@code capacity} that refills completely every
     * {@code window}: {@link Duration#ZERO} when one was taken, else how long until one is free.
     */
    public Duration takeRequestToken(String user, int capacity, Duration window, Instant now) {
        double perNano = (double) capacity / window.toNanos();
        Duration[] wait = {Duration.ZERO};
        update(Cell.LIMITS, user, old -> {
            double tokens = capacity;
            if (old != null) {
                long elapsed = Math.max(0, Duration.between(old.at(), now).toNanos());
                tokens = Math.min(capacity, old.tokens() + elapsed * perNano);
            }
            if (tokens >= 1) {
                wait[0] = Duration.ZERO;
                return new Cell.Bucket(tokens - 1, now);
            }
            wait[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
            return old;
        });
        return wait[0];
    }

    /**
     * Gives back one token taken by {@link #takeRequestToken} with the same {@code capacity} and {@code window}: the
     * approval request it was taken for was never made. The bucket never holds more than {@code capacity}.
     */
    public void returnRequestToken(String user, int capacity, Duration window, Instant now) {
        double perNano = (double) capacity / window.toNanos();
        update(Cell.LIMITS, user, old -> {
            if (old == null) {
                return null;
            }
            long elapsed = Math.max(0, Duration.between(old.at(), now).toNanos());
            return new Cell.Bucket(Math.min(capacity, old.tokens() + elapsed * perNano + 1), now);
        });
    }

    // --- claims and locks ---

    /**
     * Claims the right to ask NL3 for a new approval under {@code key} until {@code until}: {@code true} for exactly one
     * claimant at a time across every node sharing the backend (an ended claim may be taken over).
     */
    public boolean claimRequest(GrantKey key, String claimant, Instant now, Instant until) {
        Cell.Claim mine = new Cell.Claim(claimant, until);
        return mine.equals(update(Cell.CLAIMS, key, old -> old == null || !old.until().isAfter(now) ? mine : old));
    }

    /** Gives up a claim made by {@code claimant} (the approval request was stored, or asking failed). */
    public void releaseRequest(GrantKey key, String claimant) {
        update(Cell.CLAIMS, key, old -> old != null && old.claimant().equals(claimant) ? null : old);
    }

    /** Remembers what NL3 said about {@code user}'s lock, for every node. */
    public void putLockState(String user, LockState state) {
        if (copies != null && state.locked()) {
            copies.forget(user); // first: the copies end even when the backend fails to take the answer
        }
        put(Cell.LOCKS, user, state);
    }

    /** What NL3 last said about {@code user}'s lock, if that is still to be relied on at {@code now}. */
    public Optional<LockState> lockState(String user, Instant now) {
        LockState s = cells.get(Cell.LOCKS, user);
        return s != null && s.until().isAfter(now) ? Optional.of(s) : Optional.empty();
    }

    // --- housekeeping ---

    /** Entries read that failed the seal's check (each read counts); -1 in memory, where nothing is sealed. */
    public long rejectedEntries() {
        return cells.rejected();
    }

    /**
     * Drops what ended before {@code now}: grants and tickets of the users whose entries ended (found through the
     * holders' list), and ended claims, lock states, ticket references and idle request buckets (a walk over those
     * regions, which a backend that expires entries itself may skip). Every node runs it in the background, at most
     * once a minute; the conditional removes make that safe.
     */
    public void purge(Instant now) {
        if (copies != null) {
            copies.purge(now);
        }
        endingCopiesOnFailure(() -> {
            purgeCells(now); // the purge notices a failing backend too, whatever nl3.lock-check says
            return null;
        });
    }

    private void purgeCells(Instant now) {
        for (String user : cells.holders(true).keySet()) {
            cells.changeIndex(user, index -> index.removeEnded(now)).forEach(this::drop);
            cells.changeHolder(user, old -> old != null && !old.any().isAfter(now) ? null : old);
        }
        cells.removeIf(Cell.PENDING_KEYS, t -> !t.end().isAfter(now));
        cells.removeIf(Cell.CLAIMS, c -> !c.until().isAfter(now));
        cells.removeIf(Cell.LOCKS, l -> !l.until().isAfter(now));
        cells.removeIf(Cell.LIMITS, b -> b.at().isBefore(now.minus(Cell.IDLE_BUCKET)));
    }

    /** Releases the backend; called when the last filter using it ends. */
    @Override
    public void close() {
        cells.close();
    }

    @Override
    public String toString() {
        return cells.toString();
    }
}
