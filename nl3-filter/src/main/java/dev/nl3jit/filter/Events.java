package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Tells the application's listener about each decision, and writes each as one JSON line at INFO to the logger
 * {@value #AUDIT_LOGGER} (no token, key or ticket in it). A failing listener is logged and never breaks a request.
 */
final class Events {
    static final String AUDIT_LOGGER = "dev.nl3jit.audit";
    private static final System.Logger LOG = System.getLogger(Events.class.getName());
    private static final System.Logger AUDIT = System.getLogger(AUDIT_LOGGER);
    private final Consumer<ApprovalEvent> listener;
    private final Clock clock;

    private final Metrics metrics;

    Events(Consumer<ApprovalEvent> listener, Clock clock) {
        this(listener, clock, null);
    }

    /** @param metrics counts decisions for operators, or {@code null} */
    Events(Consumer<ApprovalEvent> listener, Clock clock, Metrics metrics) {
        this.listener = listener;
        this.clock = clock;
        this.metrics = metrics;
    }

    void emit(ApprovalEvent.Kind kind, GrantKey key, String detail) {
        emit(kind, key, detail, null, null);
    }

    void emit(ApprovalEvent.Kind kind, StoredApproval p, String detail) {
        emit(kind, p.key(), detail, p, null);
    }

    void emit(ApprovalEvent.Kind kind, GrantKey key, String detail, StoredApproval p, Grant grant) {
        ApprovalEvent event = new ApprovalEvent(kind, key, detail, clock.instant(), p, grant);
        if (metrics != null) {
            metrics.event(event, p);
        }
        if (AUDIT.isLoggable(Level.INFO)) {
            AUDIT.log(Level.INFO, auditLine(event));
        }
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an approval listener failed on " + kind, e);
        }
    }

    /** One event as one JSON object on one line; members without a value are left out. */
    static String auditLine(ApprovalEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", e.kind().name());
        m.put("at", e.at().toString());
        m.put("user", e.user());
        m.put("approvalKey", e.approvalKey());
        put(m, "requestId", e.requestId());
        put(m, "approvalType", e.approvalType() == null ? null : e.approvalType().name());
        put(m, "decidedBy", e.decidedBy());
        if (e.approvalType() != null) {
            m.put("signed", e.signed());
        }
        put(m, "signer", e.signer());
        put(m, "signedAt", e.signedAt() == null ? null : e.signedAt().toString());
        put(m, "method", e.method());
        put(m, "path", e.path());
        if (!e.values().isEmpty()) {
            m.put("values", new TreeMap<>(e.values()));
        }
        put(m, "valuesDigest", e.valuesDigest());
        put(m, "scope", e.scope().isEmpty() ? null : e.scope());
        if (e.grantUntil() != null) {
            m.put("uses", e.uses() == Grant.UNLIMITED ? "unlimited" : String.valueOf(e.uses()));
            m.put("grantUntil", e.grantUntil().toString());
        }
        put(m, "detail", e.detail());
        return Nl3Json.write(m).replace('\n', ' ').replace('\r', ' ');
    }

    private static void put(Map<String, Object> m, String name, String value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
