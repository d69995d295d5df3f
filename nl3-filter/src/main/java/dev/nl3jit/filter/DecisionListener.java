package dev.nl3jit.filter;

/** Hears every decision, for auditing (the CDI module turns these into events). Carries no secrets. */
interface DecisionListener {
    DecisionListener NONE = new DecisionListener() {
    };

    default void requested(GrantKey key) {
    }

    default void approved(GrantKey key) {
    }

    default void rejected(GrantKey key, String comment) {
    }

    default void expired(GrantKey key) {
    }

    default void locked(GrantKey key) {
    }

    default void failure(GrantKey key, String what) {
    }
}
