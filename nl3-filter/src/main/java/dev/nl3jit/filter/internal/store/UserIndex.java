package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.GrantKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

    /** By id: a grant key and a ticket are never equal. */
    private final Map<Object, Entry> entries = new LinkedHashMap<>();
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
                    index.put(new Entry(kind, Instant.parse(p[1]), kind == GRANT ? Codec.parseKey(id) : id));
                }
            }
        }
        index.changed = false;
        return index;
    }

    String format() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries.values()) {
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

    /** When the last of its entries ends: the index itself ends then. */
    Instant end() {
        Instant end = Instant.EPOCH;
        for (Entry e : entries.values()) {
            end = e.end().isAfter(end) ? e.end() : end;
        }
        return end;
    }

    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    private void put(Entry e) {
        Entry old = entries.put(e.id(), e);
        grants += (e.kind() == GRANT ? 1 : 0) - (old != null && old.kind() == GRANT ? 1 : 0);
        changed = true;
    }

    private void removeEntry(Entry e) {
        entries.remove(e.id());
        grants -= e.kind() == GRANT ? 1 : 0;
        changed = true;
    }

    void add(char kind, Object id, Instant end) {
        put(new Entry(kind, end, id));
    }

    void remove(char kind, Object id) {
        Entry e = entries.get(id);
        if (e != null && e.kind() == kind) {
            removeEntry(e);
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
        for (Entry e : entries.values()) {
            if (e.kind() == kind) {
                ofKind.add(e);
            }
        }
        ofKind.sort(Comparator.comparing(Entry::end).reversed());
        List<Entry> dropped = new ArrayList<>(ofKind.subList(Math.max(0, keep), ofKind.size()));
        dropped.forEach(this::removeEntry);
        return dropped;
    }

    /** Removes and returns the entries that ended before {@code now}. */
    List<Entry> removeEnded(Instant now) {
        List<Entry> ended = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (!e.end().isAfter(now)) {
                ended.add(e);
                it.remove();
                grants -= e.kind() == GRANT ? 1 : 0;
                changed = true;
            }
        }
        return ended;
    }

    /** The keys of the grants that end after {@code now}. */
    java.util.Set<GrantKey> grantsAfter(Instant now) {
        java.util.Set<GrantKey> keys = new java.util.HashSet<>();
        for (Entry e : entries.values()) {
            if (e.kind() == GRANT && e.end().isAfter(now)) {
                keys.add((GrantKey) e.id());
            }
        }
        return keys;
    }
}
