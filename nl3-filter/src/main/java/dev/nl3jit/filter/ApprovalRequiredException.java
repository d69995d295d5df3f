package dev.nl3jit.filter;

/**
 * Thrown where a protected method may not run yet (the CDI interceptor throws it). It carries the
 * decision and, when the check saw an HTTP request, the answer to send: the approval filter, the JAX-RS
 * exception mapper of {@code nl3-cdi}, or application code ({@code e.result().answer()}) write it.
 */
public class ApprovalRequiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient CheckResult result;

    public ApprovalRequiredException(CheckResult result) {
        super("approval required: " + result.outcome(), null, false, false);
        this.result = result;
    }

    public CheckResult result() {
        return result;
    }
}
