package dev.nl3jit.filter;

import java.time.Instant;
import java.util.Optional;

/**
 * Where grants and pending approvals live. The default keeps them in memory, bounded, one store per web
 * application shared by its filters. Another implementation (values are {@link java.io.Serializable}) is passed to
 * {@link Nl3ApprovalFilter#Nl3ApprovalFilter(Nl3Settings, ApprovalStore, UsernameMapper)}, to
 * {@link Nl3Approvals.Builder#store(ApprovalStore)}, or produced as a CDI bean. Implementations are thread-safe.
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
