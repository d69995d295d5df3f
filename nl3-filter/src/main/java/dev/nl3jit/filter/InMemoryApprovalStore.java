package dev.nl3jit.filter;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Bounded, expiring, in-memory store: expired entries go first when full, then the oldest. */
final class InMemoryApprovalStore implements ApprovalStore {
    private final int maxEntries;
    private final Clock clock;
    private final Map<GrantKey, Instant> grants = new ConcurrentHashMap<>();
    private final Map<GrantKey, PendingApproval> pendingByKey = new ConcurrentHashMap<>();
    private final Map<String, PendingApproval> pendingByTicket = new ConcurrentHashMap<>();

    InMemoryApprovalStore(int maxEntries, Clock clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public Optional<Instant> grantedUntil(GrantKey key) {
        return Optional.ofNullable(grants.get(key));
    }

    @Override
    public void putGrant(GrantKey key, Instant until) {
        if (grants.size() >= maxEntries) {
            Instant now = clock.instant();
            grants.values().removeIf(t -> !t.isAfter(now));
            evictOldest(grants);
        }
        grants.put(key, until);
    }

    @Override
    public void removeGrant(GrantKey key) {
        grants.remove(key);
    }

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
        if (pendingByTicket.size() >= maxEntries && !pendingByTicket.containsKey(p.ticket())) {
            Instant now = clock.instant();
            for (PendingApproval old : pendingByTicket.values()) {
                if (old.expiresAt() != null && !old.expiresAt().isAfter(now)) {
                    removePending(old);
                }
            }
            if (pendingByTicket.size() >= maxEntries) {
                PendingApproval oldest = null;
                for (PendingApproval old : pendingByTicket.values()) {
                    if (oldest == null || old.createdAt().isBefore(oldest.createdAt())) {
                        oldest = old;
                    }
                }
                removePending(oldest);
            }
        }
        PendingApproval previous = pendingByKey.put(p.key(), p);
        if (previous != null && !previous.ticket().equals(p.ticket())) {
            pendingByTicket.remove(previous.ticket());
        }
        pendingByTicket.put(p.ticket(), p);
    }

    @Override
    public synchronized void removePending(PendingApproval p) {
        pendingByTicket.remove(p.ticket());
        PendingApproval current = pendingByKey.get(p.key());
        if (current != null && current.ticket().equals(p.ticket())) {
            pendingByKey.remove(p.key());
        }
    }

    /** Removes the grant that would expire soonest. */
    private void evictOldest(Map<GrantKey, Instant> map) {
        if (map.size() < maxEntries) {
            return;
        }
        GrantKey soonest = null;
        Instant soonestAt = null;
        for (Iterator<Map.Entry<GrantKey, Instant>> it = map.entrySet().iterator(); it.hasNext();) {
            Map.Entry<GrantKey, Instant> e = it.next();
            if (soonestAt == null || e.getValue().isBefore(soonestAt)) {
                soonest = e.getKey();
                soonestAt = e.getValue();
            }
        }
        map.remove(soonest);
    }
}
