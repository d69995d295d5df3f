package dev.nl3jit.filter.internal.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The entries of one bounded region in the order they end, and the users ranked by how many they hold: at index c,
 * the users holding exactly c, in the order they came to hold that many.
 */
final class Rank<U> {
    /**
     * An entry's place in the order: by end, then by when it took that place ({@code seq}, unique, kept with the
     * entry in its owner's index as {@link UserIndex.Mark#place()}), so comparing two places never reads their keys
     * and entries ending at the same moment go in the order they came (puts land near each other: a few cache lines).
     */
    record Slot(Instant end, long seq, String user, Object id) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot o) {
            int c = end.compareTo(o.end);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /**
     * A user's place at their level: a link of one of the level's lists, so moving a user between levels is O(1)
     * with no lookup and no allocation. Changed under its user's lock and its list's.
     */
    static final class Place<U> {
        final U user;
        /** Which of a level's lists the user is kept in (from the name: users of different requests seldom share one). */
        final int stripe;
        Level<U> level;
        /** When the user came to this level ({@link System#nanoTime()}). */
        long since;
        Place<U> prev;
        Place<U> next;

        Place(U user, String name) {
            this.user = user;
            int h = name.hashCode();
            this.stripe = (h ^ (h >>> 16)) & (Level.STRIPES - 1);
        }
    }

    /**
     * The users holding one count, in {@value #STRIPES} lists by name, each oldest there first, each guarded by
     * itself: puts of different users seldom wait for each other here, and the oldest of the level is the oldest
     * of the lists' heads.
     */
    static final class Level<U> {
        static final int STRIPES = 8;

        /** One of a level's lists; guarded by itself. */
        private static final class Chain<U> {
            /** Read without the lock by {@link #first} and {@link #isEmpty}: a moment old at worst. */
            volatile Place<U> head;
            Place<U> tail;
        }

        private final Chain<U>[] lists;

        @SuppressWarnings("unchecked")
        Level() {
            lists = new Chain[STRIPES];
            for (int i = 0; i < STRIPES; i++) {
                lists[i] = new Chain<>();
            }
        }

        void add(Place<U> p) {
            Chain<U> l = lists[p.stripe];
            synchronized (l) {
                p.level = this;
                p.since = System.nanoTime();
                p.prev = l.tail;
                p.next = null;
                if (l.tail == null) {
                    l.head = p;
                } else {
                    l.tail.next = p;
                }
                l.tail = p;
            }
        }

        void remove(Place<U> p) {
            Chain<U> l = lists[p.stripe];
            synchronized (l) {
                if (p.level != this) {
                    return;
                }
                if (p.prev == null) {
                    l.head = p.next;
                } else {
                    p.prev.next = p.next;
                }
                if (p.next == null) {
                    l.tail = p.prev;
                } else {
                    p.next.prev = p.prev;
                }
                p.prev = null;
                p.next = null;
                p.level = null;
            }
        }

        /** Whether no user is here; without a lock (the heads are volatile). */
        boolean isEmpty() {
            for (Chain<U> l : lists) {
                if (l.head != null) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Up to {@code n} users, oldest here first, from the lists' heads (each list is oldest first, so the oldest here
         * is one of them), read without a lock: a candidate may have moved meanwhile, which its user's lock tells.
         */
        @SuppressWarnings("unchecked")
        void first(List<U> into, int n) {
            Place<U>[] heads = new Place[STRIPES];
            long[] since = new long[STRIPES];
            int count = 0;
            for (Chain<U> l : lists) {
                Place<U> h = l.head;
                if (h != null) {
                    heads[count] = h;
                    since[count++] = h.since;
                }
            }
            for (int k = 0; k < n && k < count; k++) { // a selection over at most STRIPES heads
                int min = k;
                for (int j = k + 1; j < count; j++) {
                    if (since[j] - since[min] < 0) { // nanoTime: compared by difference
                        min = j;
                    }
                }
                Place<U> p = heads[min];
                heads[min] = heads[k];
                heads[k] = p;
                long t = since[min];
                since[min] = since[k];
                since[k] = t;
                into.add(p.user);
            }
        }
    }

    final char kind;
    private final ConcurrentSkipListSet<Slot> byEnd = new ConcurrentSkipListSet<>();
    /** At index c, the users holding exactly c entries (c at most the ranking's top); made on first use. */
    private final AtomicReferenceArray<Level<U>> byCount;
    /** No user holds more than this many entries (an upper bound, lowered as levels empty). */
    private final AtomicInteger highest = new AtomicInteger();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong seqs = new AtomicLong();

    Rank(char kind, int top) {
        this.kind = kind;
        this.byCount = new AtomicReferenceArray<>(top + 1);
    }

    private Level<U> level(int c) {
        Level<U> level = byCount.get(c);
        if (level == null) {
            byCount.compareAndSet(c, null, new Level<>());
            level = byCount.get(c);
        }
        return level;
    }

    /**
     * Under {@code user}'s lock: {@code id} changed (see {@link UserIndex.Watcher}); {@code place} is the user's.
     * Returns the entry's sequence number in the order of ends.
     */
    long changed(Place<U> place, String user, Object id, UserIndex.Mark before, Instant after, int count) {
        if (before != null) {
            byEnd.remove(new Slot(before.end(), before.place(), user, id));
        }
        long seq = 0;
        if (after != null) {
            seq = seqs.incrementAndGet();
            byEnd.add(new Slot(after, seq, user, id));
        }
        if (before == null && after != null) {
            size.incrementAndGet();
            move(place, count);
        } else if (before != null && after == null) {
            size.decrementAndGet();
            move(place, count);
        }
        return seq;
    }

    /** The user of {@code place} holds {@code count} entries now: to the end of that level. */
    private void move(Place<U> place, int count) {
        Level<U> from = place.level;
        if (from != null) {
            from.remove(place);
        }
        if (count > 0) {
            int c = Math.min(count, byCount.length() - 1); // a user briefly over the cap ranks with those at it
            level(c).add(place);
            if (c > highest.get()) {
                highest.accumulateAndGet(c, Math::max);
            }
        }
    }

    int size() {
        return size.get();
    }

    /** No user holds more entries than this (it may be stale high: then levels above the top are empty). */
    int highestBound() {
        return Math.min(highest.get(), top());
    }

    /** The highest count the ranking tells apart: a user holding more ranks with those holding this many. */
    int top() {
        return byCount.length() - 1;
    }

    /** The entry that ends first, if any. */
    Slot first() {
        try {
            return byEnd.first();
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }

    /** Takes a slot that is no entry's any more out of the order. */
    void forget(Slot s) {
        byEnd.remove(s);
    }

    /** Up to {@code n} users of the highest level any user is at, longest there first, with that level. */
    int largest(List<U> into, int n) {
        for (int c = Math.min(highest.get(), byCount.length() - 1); c > 0; c--) {
            Level<U> level = level(c);
            level.first(into, n);
            if (!into.isEmpty()) {
                return c;
            }
            // Lowered only while the level is empty: a user arriving there raises it again (it adds, then reads
            // the bound; this lowers, then looks: one of the two sees the other).
            if (highest.compareAndSet(c, c - 1) && !level.isEmpty()) {
                highest.accumulateAndGet(c, Math::max);
            }
        }
        return 0;
    }
}
