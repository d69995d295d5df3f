package dev.nl3jit.filter;

/** Hears every decision (the CDI module turns them into CDI events). Called on the request's thread; keep it quick. */
@FunctionalInterface
public interface ApprovalListener {
    ApprovalListener NONE = event -> {
    };

    void onDecision(ApprovalEvent event);
}
