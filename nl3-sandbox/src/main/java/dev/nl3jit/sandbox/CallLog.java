package dev.nl3jit.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The most recent NL3 API calls, oldest first, bounded. */
final class CallLog {
    private static final int CAPACITY = 1000;
    private final Deque<Call> calls = new ArrayDeque<>();

    synchronized void add(Call call) {
        if (calls.size() == CAPACITY) {
            calls.removeFirst();
        }
        calls.addLast(call);
    }

    synchronized List<Call> snapshot() {
        return new ArrayList<>(calls);
    }

    synchronized void clear() {
        calls.clear();
    }
}
