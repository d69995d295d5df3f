package dev.nl3jit.filter.internal.util;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Concurrent calls for the same key share one execution: the first caller (the leader) runs the work, the others
 * wait for its result (or its exception) for at most a given time. The entry is gone as soon as the work ends, so
 * nothing accumulates however many keys pass through.
 *
 * @param <K> what calls are shared by
 * @param <V> the result
 */
public final class SingleFlight<K, V> {
    /** The shared work; may throw {@code X}. */
    @FunctionalInterface
    public interface Work<V, X extends Exception> {
        public V run() throws X;
    }

    private final Map<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    /**
     * Runs {@code work} unless a call for {@code key} is already running, in which case waits up to
     * {@code followerWait} for that call's outcome.
     *
     * @throws X                the work's own exception, in the leader and in every follower
     * @throws TimeoutException a follower waited {@code followerWait} in vain (or was interrupted)
     */
    @SuppressWarnings("unchecked")
    public <X extends Exception> V run(K key, Duration followerWait, Work<V, X> work) throws X, TimeoutException {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            try {
                return leader.get(followerWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted while waiting for a shared call");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw (X) cause;
            }
        }
        try {
            V v = work.run();
            mine.complete(v);
            return v;
        } catch (Exception | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Calls running now. */
    public int running() {
        return inFlight.size();
    }
}
