package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.GrantKey;

import dev.nl3jit.filter.spi.KeyValueStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Not for applications: the store's rules exactly as the engine runs them (single use, request limits, claims, per-user
 * caps, revocation, the seal), for backend tests ({@code nl3-testkit}'s {@code ApprovalStoreContract}) and benchmarks.
 * Two instances over one {@link KeyValueStore} behave as two nodes sharing it. May change with any release.
 */
public final class StoreRules implements AutoCloseable {
    private final Ledger ledger;

    private StoreRules(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The rules in memory ({@code nl3.store=memory}): typed values, at most {@code maxEntries} grants. */
    public static StoreRules inMemory(int maxEntries, int perUser, Clock clock) {
        return new StoreRules(Ledger.inMemory(maxEntries, perUser, clock));
    }

    /** The rules over {@code store} named {@code name}, every value sealed with {@code sealKey} (at least 32 bytes). */
    public static StoreRules over(KeyValueStore store, String name, byte[] sealKey, int perUser, Clock clock) {
        return new StoreRules(Ledger.over(store, name, sealKey, perUser, clock));
    }

    public boolean useGrant(GrantKey key, Instant now) {
        return ledger.useGrant(key, now);
    }

    public void putGrant(GrantKey key, Grant grant) {
        ledger.putGrant(key, grant);
    }

    /** The grant as stored (an ended one may be reported). */
    public Optional<Grant> grant(GrantKey key) {
        return ledger.peekGrant(key);
    }

    public int revokeUser(String user) {
        return ledger.revokeUser(user);
    }

    public Set<String> usersWithGrants(Instant now) {
        return ledger.usersWithGrants(now);
    }

    public Duration takeRequestToken(String user, int capacity, Duration window, Instant now) {
        return ledger.takeRequestToken(user, capacity, window, now);
    }

    public void returnRequestToken(String user, int capacity, Duration window, Instant now) {
        ledger.returnRequestToken(user, capacity, window, now);
    }

    public boolean claimRequest(GrantKey key, String claimant, Instant now, Instant until) {
        return ledger.claimRequest(key, claimant, now, until);
    }

    public void releaseRequest(GrantKey key, String claimant) {
        ledger.releaseRequest(key, claimant);
    }

    /** Stores or replaces (same ticket) a pending approval; the user's tickets beyond their cap go. */
    public void putPending(StoredApproval p) {
        ledger.putPending(p);
    }

    /** Pending approvals held, -1 when the backend cannot tell cheaply. */
    public long pendingCount() {
        return ledger.pendingCount();
    }

    /** Grants held, -1 when the backend cannot tell cheaply. */
    public long grantCount() {
        return ledger.grantCount();
    }

    /** Values read that failed the seal's check; -1 in memory. */
    public long rejectedEntries() {
        return ledger.rejectedEntries();
    }

    public void purge(Instant now) {
        ledger.purge(now);
    }

    /** Closes the backend. */
    @Override
    public void close() {
        ledger.close();
    }
}
