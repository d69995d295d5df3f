package dev.nl3jit.filter;

/** What happens when NL3 cannot give an answer (timeout, 5xx, unparsable body, connection error). */
public enum FailurePolicy {
    /** Block the request: 503 and a page that says the approval service cannot be reached. */
    CLOSED,
    /** Let the request through and log a WARNING. */
    OPEN
}
