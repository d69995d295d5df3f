package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Every call of a shared store within a deadline ({@code nl3.store-timeout}): the call runs on one of the engine's
 * store threads and its caller waits at most the deadline, counted from the call, time in line included. Past it the
 * caller gets an {@link ApprovalStoreException}, on which the filter fails closed (503), as for any store failure. A
 * member of a cluster that stopped answering (a long GC pause, a partition) no longer holds a request until the
 * cluster gives up on it.
 *
 * <p>A call that overran is not interrupted (a backend's own I/O may not survive an interrupt): it runs on to the
 * backend's own end on its store thread and its result is dropped, so what it did is what a failed call may have done
 * (a grant use taken without a pass; never a pass without a use). A call still in line at its deadline never starts.
 * Threads: at most {@value #THREADS} per engine, made when calls come and ended after a minute idle; with all of them
 * held by calls that overran, calls wait in line (at most {@value #LINE}, beyond that refused at once) and get 503 at
 * their deadline. A walk over a region in the background (the purge) gets at least {@link #PURGE_AT_LEAST}. It wraps
 * the {@link KeyValueStore} under the sealed cells; the in-memory cells are never wrapped: they do not wait on anything
 * but their own per-user locks.
 */
final class BoundedStore implements KeyValueStore {
    static final int THREADS = 32;
    static final int LINE = 10_000;
    static final Duration PURGE_AT_LEAST = Duration.ofMinutes(1);

    private final KeyValueStore store;
    private final Duration timeout;
    private final ThreadPoolExecutor threads;

    private BoundedStore(KeyValueStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(LINE), r -> {
            Thread t = new Thread(r, "nl3-store-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
        threads.allowCoreThreadTimeOut(true);
    }

    /** {@code store} with a deadline on every call (once: a bounded store as it is). */
    static KeyValueStore around(KeyValueStore store, Duration timeout) {
        if (store instanceof BoundedStore) {
            return store;
        }
        return new BoundedStore(store, timeout);
    }

    /** Stops the store threads of {@code store} if it is bounded (the engine is closing); the store itself stays open. */
    static void stopThreads(KeyValueStore store) {
        if (store instanceof BoundedStore b) {
            Daemons.stop(b.threads);
        }
    }

    private <T> T call(String what, Duration limit, Callable<T> op) {
        Future<T> f;
        try {
            f = threads.submit(op);
        } catch (RejectedExecutionException e) {
            throw new ApprovalStoreException("the approval store is not answering: " + LINE + " calls wait for "
                    + THREADS + " store threads (" + what + ")", e);
        }
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            threads.remove((Runnable) f);
            throw new ApprovalStoreException("no answer within " + limit.toMillis() + " ms (nl3.store-timeout) to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ApprovalStoreException(what + ": " + cause, cause);
        } catch (InterruptedException e) {
            f.cancel(false);
            threads.remove((Runnable) f);
            Thread.currentThread().interrupt();
            throw new ApprovalStoreException("interrupted while waiting for the approval store (" + what + ")", e);
        }
    }

    private <T> T call(String what, Callable<T> op) {
        return call(what, timeout, op);
    }

    private void run(String what, Runnable op) {
        call(what, timeout, () -> {
            op.run();
            return null;
        });
    }

    @Override
    public String get(Region region, String key) {
        return call("get " + region.id(), () -> store.get(region, key));
    }

    @Override
    public Map<String, String> getAll(Region region, Set<String> keys) {
        return call("getAll " + region.id(), () -> store.getAll(region, keys));
    }

    @Override
    public boolean putIfAbsent(Region region, String key, String value, Duration ttl) {
        return call("putIfAbsent " + region.id(), () -> store.putIfAbsent(region, key, value, ttl));
    }

    @Override
    public boolean replace(Region region, String key, String expected, String value, Duration ttl) {
        return call("replace " + region.id(), () -> store.replace(region, key, expected, value, ttl));
    }

    @Override
    public boolean remove(Region region, String key, String expected) {
        return call("remove " + region.id(), () -> store.remove(region, key, expected));
    }

    /** A walk in the background: at least {@link #PURGE_AT_LEAST}. */
    @Override
    public void forEach(Region region, BiConsumer<String, String> each) {
        call("forEach " + region.id(), timeout.compareTo(PURGE_AT_LEAST) > 0 ? timeout : PURGE_AT_LEAST, () -> {
            store.forEach(region, each);
            return null;
        });
    }

    /** The engine does not close stores (their owner does); this stops the threads only. */
    @Override
    public void close() {
        stopThreads(this);
    }

    @Override
    public String toString() {
        return store + " (each call within " + timeout.toMillis() + " ms)";
    }
}
