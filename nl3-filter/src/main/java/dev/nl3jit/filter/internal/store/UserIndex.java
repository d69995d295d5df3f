package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.GrantKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
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

    /**
     * Told of every change, while the index's owner holds it: in memory ({@link MemoryCells}) the store-wide order of
     * ends and the ranking by count are kept from these, so the index is the one per-user record.
     */
    interface Watcher {
        /**
         * {@code id} of {@code kind} changed: {@code before} its end and place until now ({@code null}: new),
         * {@code after} its end from now ({@code null}: removed); {@code count} entries of its kind after the change.
         * Returns the entry's place from now (kept with it, and told back with its next change).
         */
        long changed(char kind, Object id, Mark before, Instant after, int count);
    }

    private static final Watcher NONE = (kind, id, before, after, count) -> 0;

    /** When an entry ends, and its place in the watcher's order ({@code 0} without a watcher). */
    record Mark(Instant end, long place) {
    }

    /** When each ends, by id: a grant key ({@link #GRANT}) or a ticket ({@link #PENDING}), never equal. */
    private final Map<Object, Mark> entries = new HashMap<>();
    private final Watcher watcher;
    private int grants;
    private int tickets;
    private boolean changed;
    /** When the last grant ({@code null}: none) and the last entry end; read without the owner's lock in memory. */
    private volatile Instant lastGrant;
    /** {@link #lastGrant} in nanoseconds of the epoch ({@link Long#MIN_VALUE}: none), for the listing's cheap read. */
    private volatile long lastGrantNanos = Long.MIN_VALUE;
    private volatile Instant lastAny;

    UserIndex() {
        this(NONE);
    }

    UserIndex(Watcher watcher) {
        this.watcher = watcher;
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
        Instant any = lastAny;
        return new Holders.Ends(lastGrant, any == null ? Instant.EPOCH : any);
    }

    /** When its last grant ends; {@code null}: it holds none. O(1), and safe to read without the owner's lock. */
    Instant lastGrant() {
        return lastGrant;
    }

    /** Whether a grant of the index ends after {@code epochNanos} (see {@link #epochNanos}); safe without the lock. */
    boolean holdsGrantAfter(long epochNanos) {
        return lastGrantNanos > epochNanos;
    }

    /** {@code t} in nanoseconds of the epoch, saturated far from it (beyond the year 2262 or before 1677). */
    static long epochNanos(Instant t) {
        long s = t.getEpochSecond();
        if (s >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (s <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE + 1;
        }
        return s * 1_000_000_000L + t.getNano();
    }

    /** When the last of its entries ends: the index itself ends then. */
    Instant end() {
        Instant any = lastAny;
        return any == null ? Instant.EPOCH : any;
    }

    /** When {@code id} ends, {@code null}: not here. */
    Instant endOf(Object id) {
        Mark m = entries.get(id);
        return m == null ? null : m.end();
    }

    /** When {@code id} ends and its place, {@code null}: not here. */
    Mark markOf(Object id) {
        return entries.get(id);
    }

    /** After an entry ending at {@code end} went: the latest ends again, when it was one of them (O(entries), rare). */
    private void gone(Instant end) {
        if (end.equals(lastAny) || end.equals(lastGrant)) {
            Instant grant = null;
            Instant any = null;
            for (Map.Entry<Object, Mark> e : entries.entrySet()) {
                Instant t = e.getValue().end();
                any = any == null || t.isAfter(any) ? t : any;
                if (e.getKey() instanceof GrantKey && (grant == null || t.isAfter(grant))) {
                    grant = t;
                }
            }
            lastGrant = grant;
            lastGrantNanos = grant == null ? Long.MIN_VALUE : epochNanos(grant);
            lastAny = any;
        }
    }

    private void came(char kind, Instant end) {
        if (lastAny == null || end.isAfter(lastAny)) {
            lastAny = end;
        }
        if (kind == GRANT && (lastGrant == null || end.isAfter(lastGrant))) {
            lastGrant = end;
            lastGrantNanos = epochNanos(end);
        }
    }

    private static char kind(Object id) {
        return id instanceof GrantKey ? GRANT : PENDING;
    }

    List<Entry> entries() {
        List<Entry> all = new ArrayList<>(entries.size());
        entries.forEach((id, m) -> all.add(new Entry(kind(id), m.end(), id)));
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
        Mark before = entries.get(id);
        if (before == null) {
            count(kind, 1);
        }
        long place = watcher.changed(kind, id, before, end, count(kind));
        entries.put(id, new Mark(end, place));
        if (before != null && !before.end().equals(end)) {
            gone(before.end());
        }
        came(kind, end);
        changed = true;
    }

    void remove(char kind, Object id) {
        Mark before;
        if (kind == kind(id) && (before = entries.remove(id)) != null) {
            count(kind, -1);
            changed = true;
            gone(before.end());
            watcher.changed(kind, id, before, null, count(kind));
        }
    }

    /** Removes and returns every entry. */
    List<Entry> clear() {
        List<Entry> all = entries();
        all.forEach(e -> remove(e.kind(), e.id()));
        return all;
    }

    private void count(char kind, int by) {
        if (kind == GRANT) {
            grants += by;
        } else {
            tickets += by;
        }
    }

    int count(char kind) {
        return kind == GRANT ? grants : tickets;
    }

    /** Removes and returns the soonest-ending entries of {@code kind} beyond the first {@code keep}. */
    List<Entry> overCap(char kind, int keep) {
        int n = count(kind);
        if (n <= Math.max(0, keep)) {
            return List.of();
        }
        List<Entry> ofKind = new ArrayList<>(n);
        entries.forEach((id, m) -> {
            if (kind(id) == kind) {
                ofKind.add(new Entry(kind, m.end(), id));
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
        entries.forEach((id, m) -> {
            if (!m.end().isAfter(now)) {
                ended.add(new Entry(kind(id), m.end(), id));
            }
        });
        ended.forEach(e -> remove(e.kind(), e.id()));
        return ended;
    }

    /** Its entry of {@code kind} that ends soonest, other than {@code keep}; {@code null}: none. O(entries). */
    Object soonest(char kind, Object keep) {
        Object best = null;
        Instant bestEnd = null;
        for (Map.Entry<Object, Mark> e : entries.entrySet()) {
            Instant end = e.getValue().end();
            if ((bestEnd == null || end.isBefore(bestEnd)) && kind(e.getKey()) == kind && !e.getKey().equals(keep)) {
                best = e.getKey();
                bestEnd = end;
            }
        }
        return best;
    }

    /** The keys of the grants that end after {@code now}. */
    java.util.Set<GrantKey> grantsAfter(Instant now) {
        java.util.Set<GrantKey> keys = new java.util.HashSet<>();
        entries.forEach((id, m) -> {
            if (id instanceof GrantKey k && m.end().isAfter(now)) {
                keys.add(k);
            }
        });
        return keys;
    }
}
