package dev.nl3jit.filter.internal.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who holds anything, each with when their last grant and their last entry of any kind end ({@link Ends}), changed per
 * user through {@link Cells#changeHolder}. In memory one map by user; in a shared store one value per shard of users:
 * lines of {@code user grantEnd anyEnd} (user Base64url-encoded, {@code -} for no grant). Changes only when a grant or a
 * ticket is made, revoked or purged: at the pace of human approvals.
 */
public final class Holders {
    /** When a holder's last grant ({@code null}: none) and last entry of any kind end. */
    record Ends(Instant grant, Instant any) {
        /** With an entry ending at {@code anyEnd} ({@code grantEnd} when a grant, else {@code null}); {@code e} itself when that changes nothing. */
        static Ends extend(Ends e, Instant grantEnd, Instant anyEnd) {
            Instant grant = later(e == null ? null : e.grant(), grantEnd);
            Instant any = later(e == null ? null : e.any(), anyEnd);
            return e != null && grant == e.grant() && any == e.any() ? e : new Ends(grant, any);
        }
    }

    final Map<String, Ends> byUser = new LinkedHashMap<>();

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

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isAfter(a) ? a : b;
    }
}
