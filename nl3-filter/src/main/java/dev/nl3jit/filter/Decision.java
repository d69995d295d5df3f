package dev.nl3jit.filter;

import java.time.Duration;

/** What the gate decided for one request. */
sealed interface Decision {
    /** Let it through; {@code degraded} when only the open failure policy let it through. */
    record Pass(boolean degraded) implements Decision {
    }

    record Pending(StoredApproval approval) implements Decision {
    }

    record Rejected(StoredApproval approval) implements Decision {
    }

    /** The account is locked (or not enrolled where that is denied); the page stays vague. */
    record Locked() implements Decision {
    }

    /** NL3 gave no usable answer (or refused how it is called) and the policy is closed. */
    record Unavailable(Nl3Failure.Kind kind) implements Decision {
        Unavailable() {
            this(Nl3Failure.Kind.UNAVAILABLE);
        }
    }

    /**
     * The protection asks for a reason and none was given: {@code draft} is the id under which the request waits for
     * the user to type one, or {@code null} when nobody can be asked (an API client without the header).
     */
    record ReasonNeeded(String draft, Reason reason) implements Decision {
    }

    /**
     * A value the approver would be shown ({@code field}: a parameter's name, or {@code reason}) is longer than
     * {@code limit} characters ({@code nl3.max-value-length}); no NL3 call was made. It is never cut: the approval would
     * be bound to the whole value while the approver saw part of it.
     */
    record TooLong(String field, int limit, int length) implements Decision {
    }

    /** The user asked for too many approvals lately; no NL3 call was made. */
    record Limited(Duration retryAfter) implements Decision {
    }
}
