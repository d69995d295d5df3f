package dev.nl3jit.filter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * One user's grants and tickets with the time each ends, stored as one value per user: lines of
 * {@code kind end id}, the id Base64url-encoded. Small by construction: at most {@code nl3.max-entries-per-user} of
 * each kind.
 */
final class UserIndex {
    static final char GRANT = 'g';
    static final char PENDING = 'p';

    record Entry(char kind, Instant end, String id) {
    }

    private final List<Entry> entries;

    private UserIndex(List<Entry> entries) {
        this.entries = entries;
    }

    static UserIndex parse(String v) {
        List<Entry> out = new ArrayList<>();
        if (v != null) {
            for (String line : v.split("\n")) {
                String[] p = line.split(" ", 3);
                if (p.length == 3 && p[0].length() == 1) {
                    out.add(new Entry(p[0].charAt(0), Instant.parse(p[1]),
                            new String(Base64.getUrlDecoder().decode(p[2]), StandardCharsets.UTF_8)));
                }
            }
        }
        return new UserIndex(out);
    }

    String format() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(e.kind()).append(' ').append(e.end()).append(' ')
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(e.id().getBytes(StandardCharsets.UTF_8)));
        }
        return b.toString();
    }

    /** A copy to change: a value held in memory is never changed in place. */
    UserIndex copy() {
        return new UserIndex(new ArrayList<>(entries));
    }

    /** When the last of its entries ends: the index itself ends then. */
    Instant end() {
        Instant end = Instant.EPOCH;
        for (Entry e : entries) {
            end = e.end().isAfter(end) ? e.end() : end;
        }
        return end;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    void add(char kind, String id, Instant end) {
        entries.add(new Entry(kind, end, id));
    }

    void remove(char kind, String id) {
        entries.removeIf(e -> e.kind() == kind && e.id().equals(id));
    }

    /** Removes and returns the soonest-ending entries of {@code kind} beyond the first {@code keep}. */
    List<Entry> overCap(char kind, int keep) {
        int n = 0;
        for (Entry e : entries) {
            n += e.kind() == kind ? 1 : 0;
        }
        if (n <= Math.max(0, keep)) {
            return List.of();
        }
        List<Entry> ofKind = new ArrayList<>(entries.stream().filter(e -> e.kind() == kind).toList());
        ofKind.sort(Comparator.comparing(Entry::end).reversed());
        List<Entry> dropped = new ArrayList<>();
        for (int i = Math.max(0, keep); i < ofKind.size(); i++) {
            dropped.add(ofKind.get(i));
        }
        entries.removeAll(dropped);
        return dropped;
    }

    /** Removes and returns the entries that ended before {@code now}. */
    List<Entry> removeEnded(Instant now) {
        List<Entry> ended = new ArrayList<>();
        for (Iterator<Entry> it = entries.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (!e.end().isAfter(now)) {
                ended.add(e);
                it.remove();
            }
        }
        return ended;
    }
}
