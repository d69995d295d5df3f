package dev.nl3jit.filter;

/** The two kinds of NL3 approval template. */
public enum ApprovalType {
    /** The approver taps Approve. */
    APPROVE,
    /** The approver types a signature, then approves. */
    SIGN_AND_APPROVE
}
