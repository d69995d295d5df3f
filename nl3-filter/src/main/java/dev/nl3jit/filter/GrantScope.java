package dev.nl3jit.filter;

/** What an approval unlocks. */
public enum GrantScope {
    /** Every request protected by the same approval key, until the grant expires. */
    KEY,
    /** Only the exact request that asked for it: the same method and path. */
    REQUEST
}
