package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.ApprovalStoreFactory;
import dev.nl3jit.filter.Nl3ApprovalFilter;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.spi.UsernameMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Where grants, pending approvals, per-user request counters, claims on new approval requests and what NL3 said about
 * users' locks live. Every operation that decides something is atomic (use a grant, replace a pending approval, take
 * a request token, claim a new request), so the same guarantees hold however many requests race, on one node or on
 * many sharing one store. The default keeps everything in memory, bounded, one store per web application shared by
 * its filters; {@code nl3.store=jcache} (module nl3-jcache) shares it across a cluster. Another implementation is
 * named by {@code nl3.store} through an {@link ApprovalStoreFactory}, passed to
 * {@link Nl3ApprovalFilter#Nl3ApprovalFilter(Nl3Settings, ApprovalStore, UsernameMapper)}, to
 * {@link Nl3Approvals.Builder#store(ApprovalStore)}, or produced as a CDI bean. A distributed store keeps pending
 * approvals in {@link PendingApproval#toStoredForm()}. Implementations are thread-safe and report an unreachable
 * backend as {@link ApprovalStoreException}, on which the filter fails closed.
 */
public interface ApprovalStore {

    /**
     * What NL3 last said about a user's lock, trusted until {@code until}.
     *
     * @param locked    whether the user may not be approved (locked, or not enrolled where that is denied)
     * @param until     when the answer is too old to rely on (for the engine that asked: the moment it asked plus its
     *                  {@code nl3.lock-recheck})
     * @param checkedAt when NL3 was asked, or {@code null} when not known; an engine with a shorter
     *                  {@code nl3.lock-recheck} relies on the answer only until that long after this moment
     */
    record LockState(boolean locked, Instant until, Instant checkedAt) {
        public LockState {
            java.util.Objects.requireNonNull(until, "until");
        }

        /** An answer whose asking time is not known: relied on until {@code until}. */
        public LockState(boolean locked, Instant until) {
            this(locked, until, null);
        }
    }

    /** The grant under {@code key}, if any (an expired one may be reported; callers compare). */
    Optional<Grant> grant(GrantKey key);

    /**
     * Takes one use of the grant under {@code key}, atomically: {@code true} when a grant live at {@code now} let the
     * request through. A grant that is expired or used up is gone afterwards.
     */
    boolean useGrant(GrantKey key, Instant now);

    void putGrant(GrantKey key, Grant grant);

    /** Revokes a grant before it ends. */
    void removeGrant(GrantKey key);

    Optional<PendingApproval> pending(GrantKey key);

    Optional<PendingApproval> pendingByTicket(String ticket);

    /** Stores or replaces (same ticket) a pending approval. */
    void putPending(PendingApproval pending);

    /**
     * Replaces {@code expected} (as stored, compared with {@code equals}) by {@code replacement} of the same ticket
     * and grant key, atomically; {@code false} when the stored value is another one, or none.
     *
     * @throws IllegalArgumentException when the replacement has another ticket or grant key
     */
    boolean replacePending(PendingApproval expected, PendingApproval replacement);

    void removePending(PendingApproval pending);

    /** Removes every grant and pending approval of {@code user} (their account was locked); how many went. */
    int revokeUser(String user);

    /** The users holding a grant live at {@code now}. */
    Set<String> usersWithGrants(Instant now);

    /**
     * Takes one of {@code user}'s new-request tokens from a bucket of {@code capacity} that refills completely every
     * {@code window}: {@link Duration#ZERO} when one was taken, else how long until one is free.
     */
    Duration takeRequestToken(String user, int capacity, Duration window, Instant now);

    /**
     * Gives back one token taken by {@link #takeRequestToken} with the same {@code capacity} and {@code window}: the
     * approval request it was taken for was never made (NL3 failed), so it does not count against the user. The bucket
     * never holds more than {@code capacity}. The default does nothing (the token stays spent).
     */
    default void returnRequestToken(String user, int capacity, Duration window, Instant now) {
    }

    /**
     * Claims the right to ask NL3 for a new approval under {@code key} until {@code until}: {@code true} for exactly one
     * claimant at a time across every node sharing this store (an ended claim may be taken over).
     */
    boolean claimRequest(GrantKey key, String claimant, Instant now, Instant until);

    /** Gives up a claim made by {@code claimant} (the approval request was stored, or asking failed). */
    void releaseRequest(GrantKey key, String claimant);

    /** Remembers what NL3 said about {@code user}'s lock, for every node. */
    void putLockState(String user, LockState state);

    /** What NL3 last said about {@code user}'s lock, if that is still to be relied on at {@code now}. */
    Optional<LockState> lockState(String user, Instant now);

    /** Releases what the store holds open (connections to a cluster); called when the last filter using it ends. */
    default void close() {
    }

    /** How many grants are held now, for operators; -1 when this store cannot tell cheaply. */
    default long grantCount() {
        return -1;
    }

    /** How many pending approvals are held now, for operators; -1 when this store cannot tell cheaply. */
    default long pendingCount() {
        return -1;
    }

    /**
     * How many entries read from the store failed its integrity check (forged, altered, copied under another key) and
     * were treated as absent, for operators; -1 when this store does not check (the in-memory store holds nothing
     * another process can write).
     */
    default long rejectedEntries() {
        return -1;
    }

    /** Drops what ended before {@code now}; called in the background, never on a request. */
    void purge(Instant now);

    /**
     * The default: in memory, at most {@code maxEntries} grants and as many pending approvals, at most
     * {@code perUser} of each per user.
     */
    static ApprovalStore inMemory(int maxEntries, int perUser, Clock clock) {
        return new InMemoryApprovalStore(maxEntries, perUser, clock);
    }
}
