package dev.nl3jit.sandbox;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The faults in force; each call takes the first that matches its path and counts it down. */
final class Faults {
    private static final class Entry {
        final Fault fault;
        int remaining;

        Entry(Fault fault) {
            this.fault = fault;
            this.remaining = fault.times();
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(Fault fault) {
        entries.add(new Entry(fault));
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized List<Fault> list() {
        return entries.stream().map(e -> e.fault).toList();
    }

    /** The fault for this call, or null; a counted fault is used up once it has struck its number of times. */
    synchronized Fault take(String path) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (path.startsWith(e.fault.path())) {
                if (e.fault.times() > 0 && --e.remaining == 0) {
                    it.remove();
                }
                return e.fault;
            }
        }
        return null;
    }
}
