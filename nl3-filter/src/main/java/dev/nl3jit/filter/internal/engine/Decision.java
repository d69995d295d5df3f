package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.internal.web.Responder;

import dev.nl3jit.filter.CheckResult;

import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.Reason;

import java.time.Duration;

/**
 * What the gate decided for one request: the one decision type from the engine to the answer. Each kind says its
 * {@link CheckResult.Outcome} and the approval it concerns; the web side renders it once ({@code Responder.answer}).
 */
public sealed interface Decision {
    /** The outcome callers of the library see. */
    CheckResult.Outcome outcome();

    /** The pending or rejected approval this decision concerns, or {@code null}. */
    default StoredApproval approval() {
        return null;
    }

    /** Whether the protected action may go ahead. */
    default boolean passed() {
        return outcome() == CheckResult.Outcome.PASSED || outcome() == CheckResult.Outcome.PASSED_DEGRADED;
    }

    /** Whether the request waits on the server (its body was kept), so its body is not read and dropped. */
    default boolean waits() {
        return outcome() == CheckResult.Outcome.PENDING || outcome() == CheckResult.Outcome.REASON_REQUIRED;
    }

    /** Let it through; {@code degraded} when only the open failure policy let it through. */
    record Pass(boolean degraded) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return degraded ? CheckResult.Outcome.PASSED_DEGRADED : CheckResult.Outcome.PASSED;
        }
    }

    record Pending(StoredApproval approval) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.PENDING;
        }
    }

    record Rejected(StoredApproval approval) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.REJECTED;
        }
    }

    /** The account is locked (or not enrolled where that is denied); the page stays vague. */
    record Locked() implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.LOCKED;
        }
    }

    /** NL3 gave no usable answer (or refused how it is called) and the policy is closed. */
    record Unavailable(Nl3Failure.Kind kind) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.UNAVAILABLE;
        }

        Unavailable() {
            this(Nl3Failure.Kind.UNAVAILABLE);
        }
    }

    /**
     * The protection asks for a reason and none was given: {@code draft} is the id under which the request waits for
     * the user to type one, or {@code null} when nobody can be asked (an API client without the header).
     */
    record ReasonNeeded(String draft, Reason reason) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.REASON_REQUIRED;
        }
    }

    /**
     * A value the approver would be shown ({@code field}: a parameter's name, or {@code reason}) is longer than
     * {@code limit} characters ({@code nl3.max-value-length}); no NL3 call was made. It is never cut: the approval would
     * be bound to the whole value while the approver saw part of it.
     */
    record TooLong(String field, int limit, int length) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.TOO_LONG;
        }
    }

    /** The user asked for too many approvals lately; no NL3 call was made. */
    record Limited(Duration retryAfter) implements Decision {
        @Override
        public CheckResult.Outcome outcome() {
            return CheckResult.Outcome.LIMITED;
        }
    }
}
