package dev.nl3jit.filter;

import jakarta.servlet.ServletContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The gates of one web application, so that any filter instance can serve any pending page of that application. */
final class GateRegistry {
    private static final String ATTRIBUTE = GateRegistry.class.getName();
    /** A gate and how its engine turns a principal into a username. */
    private record Entry(ApprovalGate gate, UsernameMapper usernames) {
    }

    private final List<Entry> gates = new CopyOnWriteArrayList<>();
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

    void add(ApprovalGate gate, UsernameMapper usernames) {
        gates.add(new Entry(gate, usernames));
    }

    void remove(ApprovalGate gate) {
        gates.removeIf(e -> e.gate() == gate);
    }

    /**
     * The pending approval with this ticket that belongs to {@code principal} (as each engine names its users),
     * and the gate that owns it.
     */
    Optional<Found> find(String ticket, java.security.Principal principal) {
        for (Entry e : gates) {
            String user = e.usernames().username(principal);
            Optional<PendingApproval> p = user == null ? Optional.empty() : e.gate().byTicket(ticket, user);
            if (p.isPresent()) {
                return Optional.of(new Found(e.gate(), p.get()));
            }
        }
        return Optional.empty();
    }

    record Found(ApprovalGate gate, PendingApproval approval) {
    }
}
