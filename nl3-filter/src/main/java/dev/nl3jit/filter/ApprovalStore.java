package dev.nl3jit.filter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Where grants, pending approvals and per-user request counters live. Every operation that decides something is
 * atomic (use a grant, replace a pending approval, take a request token), so the same guarantees hold however many
 * requests race. The default keeps everything in memory, bounded, one store per web application shared by its
 * filters. Another implementation (values are {@link java.io.Serializable}) is passed to
 * {@link Nl3ApprovalFilter#Nl3ApprovalFilter(Nl3Settings, ApprovalStore, UsernameMapper)}, to
 * {@link Nl3Approvals.Builder#store(ApprovalStore)}, or produced as a CDI bean. Implementations are thread-safe.
 */
public interface ApprovalStore {

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
     * Replaces {@code expected} (as stored, compared with {@code equals}) by {@code replacement} of the same ticket,
     * atomically; {@code false} when the stored value is another one, or none.
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

    /** How many grants are held now, for operators; -1 when this store cannot tell cheaply. */
    default long grantCount() {
        return -1;
    }

    /** How many pending approvals are held now, for operators; -1 when this store cannot tell cheaply. */
    default long pendingCount() {
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
