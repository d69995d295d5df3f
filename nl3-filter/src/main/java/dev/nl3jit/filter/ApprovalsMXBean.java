package dev.nl3jit.filter;

/**
 * What operators see of one approval engine, on the platform MBean server as
 * {@code dev.nl3jit:type=Approvals,application=<context path>,engine=<name>} (JConsole, VisualVM, or any JMX client;
 * nothing to add to the application). Counters run from the engine's start.
 */
public interface ApprovalsMXBean {
    /** Grants held in the store now, or -1 when the store cannot count them. */
    long getLiveGrants();

    /** Pending approvals (tickets) held in the store now, or -1 when the store cannot count them. */
    long getPendingApprovals();

    /** Entries of the store that failed its integrity check and were treated as absent; -1 when the store does not check. */
    long getStoreEntriesRejected();

    /** Calls made to NL3 (lock checks, approval requests, status checks, cancels). */
    long getNl3Calls();

    /** NL3 calls that got no usable answer: timeouts, 5xx, dropped connections, unreadable bodies. */
    long getNl3Unavailable();

    /** NL3 calls NL3 refused as misconfigured (400, 401, 404): a setting is wrong. */
    long getNl3Misconfigured();

    long getApprovalsRequested();

    long getApprovalsGranted();

    long getApprovalsRejected();

    /** Requests refused because the account is locked (or not enrolled where that is denied), and lock revocations. */
    long getLockedRefusals();

    /** New approval requests refused by {@code nl3.request-limit}. */
    long getRequestsLimited();

    /** Median seconds from an approval request to its approval, over the last 100 approvals; 0 without any. */
    double getMedianApprovalSeconds();

    /**
     * What the newest call to NL3 came to: {@code NO_CALLS} (none yet), {@code ANSWERING} (NL3 answered),
     * {@code UNAVAILABLE} (an outage: timeout, 5xx, refused or dropped connection, unreadable answer, calls over
     * {@code nl3.call-threads} + {@code nl3.call-queue}) or {@code MISCONFIGURED} (NL3 refused a call as 400, 401 or
     * 404: a setting is wrong). Reading it makes no call.
     */
    String getNl3State();

    /** The last NL3 failure: when, which call, the reason and the HTTP status; empty without any. */
    String getLastFailure();
}
