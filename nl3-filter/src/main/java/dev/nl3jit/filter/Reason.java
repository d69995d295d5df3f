package dev.nl3jit.filter;

/** Whether the user types a reason before an approval request is sent (it travels as metadata {@code reason}). */
public enum Reason {
    /** No reason is asked for. */
    NONE,
    /** The user may type a reason, or send the request without one. */
    OPTIONAL,
    /** No approval request is sent without a reason. */
    REQUIRED
}
