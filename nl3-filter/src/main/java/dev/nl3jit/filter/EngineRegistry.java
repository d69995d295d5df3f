package dev.nl3jit.filter;

import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines of one web application by ticket tag, so that whichever filter instance serves the pending path
 * hands each ticket to the engine that created it; and the application's default store, shared by its filters.
 */
final class EngineRegistry {
    private static final String ATTRIBUTE = EngineRegistry.class.getName();

    private final Map<String, Engine> byTag = new ConcurrentHashMap<>();
    private ApprovalStore shared;

    static EngineRegistry of(ServletContext context) {
        synchronized (context) {
            Object existing = context.getAttribute(ATTRIBUTE);
            if (existing instanceof EngineRegistry r) {
                return r;
            }
            EngineRegistry r = new EngineRegistry();
            context.setAttribute(ATTRIBUTE, r);
            return r;
        }
    }

    /** One default store per application, so every filter instance sees the same grants. */
    synchronized ApprovalStore sharedStore(Nl3Settings settings, Clock clock) {
        if (shared == null) {
            shared = ApprovalStore.inMemory(settings.maxEntries(), settings.maxEntriesPerUser(), clock);
        }
        return shared;
    }

    /** @throws IllegalStateException when another engine with the same name (tag) is here already */
    void add(Engine engine) {
        Engine before = byTag.putIfAbsent(engine.tag(), engine);
        if (before != null && before != engine) {
            throw new IllegalStateException("two NL3 approval engines with the same name serve this application; "
                    + "give each filter its own filter-name, and each Nl3Approvals its own Builder.name(...)");
        }
    }

    void remove(Engine engine) {
        byTag.remove(engine.tag(), engine);
    }

    /** The engine that created {@code ticket}. */
    Optional<Engine> owner(String ticket) {
        return Tickets.tagOf(ticket).map(byTag::get);
    }
}
