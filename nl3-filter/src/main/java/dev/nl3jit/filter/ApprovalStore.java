package dev.nl3jit.filter;

import java.time.Instant;
import java.util.Optional;

/**
 * Where grants and pending approvals live. The default keeps them in memory, bounded; an application
 * that runs on several nodes can put them into the HTTP session or a distributed cache by implementing
 * this interface (values are {@link java.io.Serializable}) and naming the class in
 * {@code nl3.store} or passing an instance to the filter's constructor. Implementations are thread-safe.
 */
public interface ApprovalStore {

    /** Until when {@code key} holds a grant, if it holds one (expired ones may be reported; the caller compares). */
    Optional<Instant> grantedUntil(GrantKey key);

    void putGrant(GrantKey key, Instant until);

    /** Revokes a grant before it expires. */
    void removeGrant(GrantKey key);

    Optional<PendingApproval> pending(GrantKey key);

    Optional<PendingApproval> pendingByTicket(String ticket);

    /** Stores or replaces (same ticket) a pending approval. */
    void putPending(PendingApproval pending);

    void removePending(PendingApproval pending);

    /** The default: in memory, at most {@code maxEntries} grants and as many pending approvals. */
    static ApprovalStore inMemory(int maxEntries, java.time.Clock clock) {
        return new InMemoryApprovalStore(maxEntries, clock);
    }
}
