package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.util.Loaders;

import dev.nl3jit.filter.internal.store.Ledger;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.internal.store.Stores;
import dev.nl3jit.filter.internal.engine.Tickets;

import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines of one web application by ticket tag, so that whichever filter instance serves the pending path
 * hands each ticket to the engine that created it; and the application's default store, shared by its filters.
 */
public final class EngineRegistry {
    private static final String ATTRIBUTE = EngineRegistry.class.getName();

    private final Map<String, WebEngine> byTag = new ConcurrentHashMap<>();
    /** The stores the application's filters opened by their settings, by {@link Stores#spec}; closed with the last engine. */
    private final Map<String, Ledger> shared = new java.util.HashMap<>();

    public static EngineRegistry of(ServletContext context) {
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

    /**
     * One store per application and {@code nl3.store*} settings, so every filter instance sees the same grants.
     *
     * @throws InvalidSettingsException the store the settings name cannot be opened
     */
    synchronized Ledger sharedStore(Nl3Settings settings, Clock clock) {
        String spec = Stores.spec(settings);
        Ledger s = shared.get(spec);
        if (s == null) {
            s = Stores.open(settings, clock, Loaders.application());
            shared.put(spec, s);
        }
        return s;
    }

    /** @throws IllegalStateException when another engine with the same name (tag) is here already */
    public void add(WebEngine engine) {
        WebEngine before = byTag.putIfAbsent(engine.tag(), engine);
        if (before != null && before != engine) {
            throw new IllegalStateException("two NL3 approval engines with the same name serve this application; "
                    + "give each filter its own filter-name, and each Nl3Approvals its own Builder.name(...)");
        }
    }

    /** Removes an engine; with the last one the shared stores are closed (the application is going away). */
    public void remove(WebEngine engine) {
        byTag.remove(engine.tag(), engine);
        synchronized (this) {
            if (byTag.isEmpty()) {
                shared.values().forEach(Ledger::close);
                shared.clear();
            }
        }
    }

    /** Every engine serving in this application now. */
    public java.util.List<WebEngine> engines() {
        return java.util.List.copyOf(byTag.values());
    }

    /** Any engine of this application (to render an answer that belongs to none). */
    Optional<WebEngine> any() {
        return byTag.values().stream().findFirst();
    }

    /** The engine that created {@code ticket}. */
    Optional<WebEngine> owner(String ticket) {
        return Tickets.tagOf(ticket).map(byTag::get);
    }
}
