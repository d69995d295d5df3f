package dev.nl3jit.filter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The users of one shard who hold anything, each with when their last grant and their last entry of any kind end:
 * lines of {@code user grantEnd anyEnd} (user Base64url-encoded, {@code -} for no grant). Changes only when a grant
 * or a ticket is made, revoked or purged: at the pace of human approvals.
 */
final class Holders {
    private record Ends(Instant grant, Instant any) {
    }

    private final Map<String, Ends> byUser = new LinkedHashMap<>();

    static Holders parse(String v) {
        Holders h = new Holders();
        if (v != null) {
            for (String line : v.split("\n")) {
                String[] p = line.split(" ");
                if (p.length == 3) {
                    h.byUser.put(new String(Base64.getUrlDecoder().decode(p[0]), StandardCharsets.UTF_8),
                            new Ends(p[1].equals("-") ? null : Instant.parse(p[1]), Instant.parse(p[2])));
                }
            }
        }
        return h;
    }

    String format() {
        StringBuilder b = new StringBuilder();
        byUser.forEach((user, e) -> {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(Base64.getUrlEncoder().withoutPadding().encodeToString(user.getBytes(StandardCharsets.UTF_8))).append(' ')
                    .append(e.grant() == null ? "-" : e.grant().toString()).append(' ').append(e.any());
        });
        return b.toString();
    }

    /** A copy to change: a value held in memory is never changed in place. */
    Holders copy() {
        Holders h = new Holders();
        h.byUser.putAll(byUser);
        return h;
    }

    /** When the last of what its users hold ends. */
    Instant end() {
        Instant end = Instant.EPOCH;
        for (Ends e : byUser.values()) {
            end = e.any().isAfter(end) ? e.any() : end;
        }
        return end;
    }

    boolean isEmpty() {
        return byUser.isEmpty();
    }

    void addAll(Holders other) {
        byUser.putAll(other.byUser);
    }

    /** Records an entry ending at {@code anyEnd}; {@code grantEnd} when it is a grant, else {@code null}. */
    void extend(String user, Instant grantEnd, Instant anyEnd) {
        Ends e = byUser.get(user);
        Instant grant = later(e == null ? null : e.grant(), grantEnd);
        Instant any = later(e == null ? null : e.any(), anyEnd);
        byUser.put(user, new Ends(grant, any));
    }

    void remove(String user) {
        byUser.remove(user);
    }

    /** Forgets {@code user} when everything they held ended before {@code now}. */
    void removeEnded(String user, Instant now) {
        Ends e = byUser.get(user);
        if (e != null && !e.any().isAfter(now)) {
            byUser.remove(user);
        }
    }

    Set<String> withGrantAfter(Instant now) {
        Set<String> out = new HashSet<>();
        byUser.forEach((user, e) -> {
            if (e.grant() != null && e.grant().isAfter(now)) {
                out.add(user);
            }
        });
        return out;
    }

    /** Everyone listed: the purge reads each one's index, which says what ended (a read; a write only when something did). */
    Set<String> users() {
        return new HashSet<>(byUser.keySet());
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
