package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.GrantKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's grants and tickets with the time each ends. Changed in place, only through
 * {@link Cells#changeIndex}: in memory under the user's lock, never copied; in a shared store parsed from and written
 * back to one value per user: lines of {@code kind end id}, the id (a grant key's stored form, or a ticket)
 * Base64url-encoded. Small by construction: at most {@code nl3.max-entries-per-user} of each kind.
 */
public final class UserIndex {
    static final char GRANT = 'g';
    static final char PENDING = 'p';

    /** An entry: a grant's {@link GrantKey}, or a pending approval's ticket ({@link String}). */
    record Entry(char kind, Instant end, Object id) {
    }

    /** When each ends, by id: a grant key ({@link #GRANT}) or a ticket ({@link #PENDING}), never equal. */
    private final Map<Object, Instant> entries = new HashMap<>();
    private int grants;
    private boolean changed;

    UserIndex() {
    }

    static UserIndex parse(String v) {
        UserIndex index = new UserIndex();
        if (v != null) {
            for (String line : v.split("\n")) {
                String[] p = line.split(" ", 3);
                if (p.length == 3 && p[0].length() == 1) {
                    char kind = p[0].charAt(0);
                    String id = new String(Base64.getUrlDecoder().decode(p[2]), StandardCharsets.UTF_8);
                    if (kind == GRANT || kind == PENDING) {
                        index.add(kind, kind == GRANT ? Codec.parseKey(id) : id, Instant.parse(p[1]));
                    }
                }
            }
        }
        index.changed = false;
        return index;
    }

    String format() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries()) {
            if (b.length() > 0) {
                b.append('\n');
            }
            String id = e.id() instanceof GrantKey k ? Codec.key(k) : (String) e.id();
            b.append(e.kind()).append(' ').append(e.end()).append(' ')
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8)));
        }
        return b.toString();
    }

    /** Whether a change was made since it was read. */
    boolean changed() {
        return changed;
    }

    /** When its last grant ({@code null}: none) and its last entry end, as the holders' list says of its user. */
    Holders.Ends ends() {
        Instant grant = null;
        Instant any = Instant.EPOCH;
        for (Map.Entry<Object, Instant> e : entries.entrySet()) {
            any = e.getValue().isAfter(any) ? e.getValue() : any;
            if (e.getKey() instanceof GrantKey && (grant == null || e.getValue().isAfter(grant))) {
                grant = e.getValue();
            }
        }
        return new Holders.Ends(grant, any);
    }

    /** When the last of its entries ends: the index itself ends then. */
    Instant end() {
        Instant end = Instant.EPOCH;
        for (Instant e : entries.values()) {
            end = e.isAfter(end) ? e : end;
        }
        return end;
    }

    private static char kind(Object id) {
        return id instanceof GrantKey ? GRANT : PENDING;
    }

    List<Entry> entries() {
        List<Entry> all = new ArrayList<>(entries.size());
        entries.forEach((id, end) -> all.add(new Entry(kind(id), end, id)));
        return all;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Records {@code id} ({@code kind}: a {@link GrantKey} for {@link #GRANT}, a ticket for {@link #PENDING}). */
    void add(char kind, Object id, Instant end) {
        if (kind != kind(id)) {
            throw new IllegalArgumentException("a grant's id is its grant key, a ticket's its ticket");
        }
        if (entries.put(id, end) == null) {
            grants += kind == GRANT ? 1 : 0;
        }
        changed = true;
    }

    void remove(char kind, Object id) {
        if (kind == kind(id) && entries.remove(id) != null) {
            grants -= kind == GRANT ? 1 : 0;
            changed = true;
        }
    }

    /** Removes and returns every entry. */
    List<Entry> clear() {
        List<Entry> all = entries();
        if (!all.isEmpty()) {
            entries.clear();
            grants = 0;
            changed = true;
        }
        return all;
    }

    private int count(char kind) {
        return kind == GRANT ? grants : entries.size() - grants;
    }

    /** Removes and returns the soonest-ending entries of {@code kind} beyond the first {@code keep}. */
    List<Entry> overCap(char kind, int keep) {
        int n = count(kind);
        if (n <= Math.max(0, keep)) {
            return List.of();
        }
        List<Entry> ofKind = new ArrayList<>(n);
        entries.forEach((id, end) -> {
            if (kind(id) == kind) {
                ofKind.add(new Entry(kind, end, id));
            }
        });
        ofKind.sort(Comparator.comparing(Entry::end).reversed());
        List<Entry> dropped = new ArrayList<>(ofKind.subList(Math.max(0, keep), ofKind.size()));
        dropped.forEach(e -> remove(e.kind(), e.id()));
        return dropped;
    }

    /** Removes and returns the entries that ended before {@code now}. */
    List<Entry> removeEnded(Instant now) {
        List<Entry> ended = new ArrayList<>();
        for (Iterator<Map.Entry<Object, Instant>> it = entries.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Object, Instant> e = it.next();
            if (!e.getValue().isAfter(now)) {
                char kind = kind(e.getKey());
                ended.add(new Entry(kind, e.getValue(), e.getKey()));
                it.remove();
                grants -= kind == GRANT ? 1 : 0;
                changed = true;
            }
        }
        return ended;
    }

    /** The keys of the grants that end after {@code now}. */
    java.util.Set<GrantKey> grantsAfter(Instant now) {
        java.util.Set<GrantKey> keys = new java.util.HashSet<>();
        entries.forEach((id, end) -> {
            if (id instanceof GrantKey k && end.isAfter(now)) {
                keys.add(k);
            }
        });
        return keys;
    }
}
