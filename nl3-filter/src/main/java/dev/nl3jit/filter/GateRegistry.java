package dev.nl3jit.filter;

import jakarta.servlet.ServletContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The gates of one web application, so that any filter instance can serve any pending page of that application. */
final class GateRegistry {
    private static final String ATTRIBUTE = GateRegistry.class.getName();
    private final List<ApprovalGate> gates = new CopyOnWriteArrayList<>();
    private ApprovalStore shared;

    static GateRegistry of(ServletContext context) {
        synchronized (context) {
            Object existing = context.getAttribute(ATTRIBUTE);
            if (existing instanceof GateRegistry r) {
                return r;
            }
            GateRegistry r = new GateRegistry();
            context.setAttribute(ATTRIBUTE, r);
            return r;
        }
    }

    /** One default store per application, so every filter instance sees the same grants. */
    synchronized ApprovalStore sharedStore(int maxEntries, java.time.Clock clock) {
        if (shared == null) {
            shared = ApprovalStore.inMemory(maxEntries, clock);
        }
        return shared;
    }

    void add(ApprovalGate gate) {
        gates.add(gate);
    }

    void remove(ApprovalGate gate) {
        gates.remove(gate);
    }

    /** The pending approval with this ticket that belongs to {@code user}, and the gate that owns it. */
    Optional<Found> find(String ticket, String user) {
        for (ApprovalGate g : gates) {
            Optional<PendingApproval> p = g.byTicket(ticket, user);
            if (p.isPresent()) {
                return Optional.of(new Found(g, p.get()));
            }
        }
        return Optional.empty();
    }

    record Found(ApprovalGate gate, PendingApproval approval) {
    }
}
