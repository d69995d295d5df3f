package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.function.Consumer;

/** Tells the application's listener about each decision; a failing listener is logged and never breaks a request. */
final class Events {
    private static final System.Logger LOG = System.getLogger(Events.class.getName());
    private final Consumer<ApprovalEvent> listener;
    private final Clock clock;

    Events(Consumer<ApprovalEvent> listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    void emit(ApprovalEvent.Kind kind, GrantKey key, String detail) {
        emit(kind, key, detail, null, null);
    }

    void emit(ApprovalEvent.Kind kind, PendingApproval p, String detail) {
        emit(kind, p.key(), detail, p, null);
    }

    void emit(ApprovalEvent.Kind kind, GrantKey key, String detail, PendingApproval p, Grant grant) {
        try {
            listener.accept(new ApprovalEvent(kind, key, detail, clock.instant(), p, grant));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an approval listener failed on " + kind, e);
        }
    }
}
