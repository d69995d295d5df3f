package dev.nl3jit.filter;


import dev.nl3jit.filter.spi.ApprovalStoreException;
import java.time.Instant;

/**
 * The stored forms of keys and small values: plain text, versioned by shape, readable by any later version. A grant
 * key is its three parts, each prefixed by its length ({@code 5:alice12:ADMIN_ACCESS0:}), so no separator can be
 * forged by a username.
 */
final class Codec {
    private Codec() {
    }

    static String key(GrantKey k) {
        return part(k.user()) + part(k.approvalKey()) + part(k.scope());
    }

    /** Reads {@link #key(GrantKey)}. */
    static GrantKey parseKey(String s) {
        String[] parts = new String[3];
        int at = 0;
        try {
            for (int i = 0; i < 3; i++) {
                int colon = s.indexOf(':', at);
                int n = Integer.parseInt(s.substring(at, colon));
                parts[i] = s.substring(colon + 1, colon + 1 + n);
                at = colon + 1 + n;
            }
        } catch (RuntimeException e) {
            throw unreadable("grant key", s, e);
        }
        if (at != s.length()) {
            throw unreadable("grant key", s, null);
        }
        return new GrantKey(parts[0], parts[1], parts[2]);
    }

    private static String part(String s) {
        return s.length() + ":" + s;
    }

    /** {@code until|usesLeft}. */
    static String grant(Grant g) {
        return g.until() + "|" + g.usesLeft();
    }

    static Grant grant(String v) {
        String[] p = split(v, 2, "grant");
        try {
            return new Grant(Instant.parse(p[0]), Integer.parseInt(p[1]));
        } catch (RuntimeException e) {
            throw unreadable("grant", v, e);
        }
    }

    /** {@code tokens|at}. */
    static String bucket(Cell.Bucket b) {
        return b.tokens() + "|" + b.at();
    }

    static Cell.Bucket bucket(String v) {
        String[] p = split(v, 2, "request limit");
        try {
            return new Cell.Bucket(Double.parseDouble(p[0]), Instant.parse(p[1]));
        } catch (RuntimeException e) {
            throw unreadable("request limit", v, e);
        }
    }

    /** {@code until|claimant}. */
    static String claim(String claimant, Instant until) {
        return until + "|" + claimant;
    }

    static Instant claimUntil(String v) {
        try {
            return Instant.parse(split(v, 2, "claim")[0]);
        } catch (RuntimeException e) {
            throw unreadable("claim", v, e);
        }
    }

    static String claimant(String v) {
        return split(v, 2, "claim")[1];
    }

    /** {@code locked|until} or {@code locked|until|checkedAt}: {@code L} locked, {@code U} not. */
    static String lock(LockState s) {
        return (s.locked() ? "L" : "U") + "|" + s.until() + (s.checkedAt() == null ? "" : "|" + s.checkedAt());
    }

    static LockState lock(String v) {
        String[] p = split(v, 2, "lock state");
        try {
            int bar = p[1].indexOf('|');
            if (bar >= 0) {
                return new LockState(p[0].equals("L"), Instant.parse(p[1].substring(0, bar)), Instant.parse(p[1].substring(bar + 1)));
            }
            return new LockState(p[0].equals("L"), Instant.parse(p[1]));
        } catch (RuntimeException e) {
            throw unreadable("lock state", v, e);
        }
    }

    private static String[] split(String v, int parts, String what) {
        String[] p = v.split("\\|", parts);
        if (p.length != parts) {
            throw unreadable(what, v, null);
        }
        return p;
    }

    private static ApprovalStoreException unreadable(String what, String v, Exception cause) {
        // The value itself is not echoed: a store should not put user data into logs.
        return new ApprovalStoreException("unreadable stored " + what + " (" + v.length() + " characters)", cause);
    }
}
