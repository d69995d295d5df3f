package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.internal.util.Daemons;
import dev.nl3jit.filter.PendingApproval;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
 * their deadline. A purge, a walk over the store in the background, gets at least {@link #PURGE_AT_LEAST}. The
 * in-memory store is never wrapped: it does not wait on anything but its own per-user locks.
 */
public final class BoundedStore implements ApprovalStore {
    static final int THREADS = 32;
    static final int LINE = 10_000;
    static final Duration PURGE_AT_LEAST = Duration.ofMinutes(1);

    private final ApprovalStore store;
    private final Duration timeout;
    private final ThreadPoolExecutor threads;

    private BoundedStore(ApprovalStore store, Duration timeout) {
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

    /** {@code store} with a deadline on every call; the in-memory store as it is. */
    public static ApprovalStore around(ApprovalStore store, Duration timeout) {
        if (store instanceof InMemoryApprovalStore || store instanceof BoundedStore) {
            return store;
        }
        return new BoundedStore(store, timeout);
    }

    /** Stops the store threads of {@code store} if it is bounded (the engine is closing); the store itself stays open. */
    public static void stopThreads(ApprovalStore store) {
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
    public Optional<Grant> grant(GrantKey key) {
        return call("grant", () -> store.grant(key));
    }

    @Override
    public boolean useGrant(GrantKey key, Instant now) {
        return call("useGrant", () -> store.useGrant(key, now));
    }

    @Override
    public void putGrant(GrantKey key, Grant grant) {
        run("putGrant", () -> store.putGrant(key, grant));
    }

    @Override
    public void removeGrant(GrantKey key) {
        run("removeGrant", () -> store.removeGrant(key));
    }

    @Override
    public Optional<PendingApproval> pending(GrantKey key) {
        return call("pending", () -> store.pending(key));
    }

    @Override
    public Optional<PendingApproval> pendingByTicket(String ticket) {
        return call("pendingByTicket", () -> store.pendingByTicket(ticket));
    }

    @Override
    public void putPending(PendingApproval pending) {
        run("putPending", () -> store.putPending(pending));
    }

    @Override
    public boolean replacePending(PendingApproval expected, PendingApproval replacement) {
        return call("replacePending", () -> store.replacePending(expected, replacement));
    }

    @Override
    public void removePending(PendingApproval pending) {
        run("removePending", () -> store.removePending(pending));
    }

    @Override
    public int revokeUser(String user) {
        return call("revokeUser", () -> store.revokeUser(user));
    }

    @Override
    public Set<String> usersWithGrants(Instant now) {
        return call("usersWithGrants", () -> store.usersWithGrants(now));
    }

    @Override
    public Duration takeRequestToken(String user, int capacity, Duration window, Instant now) {
        return call("takeRequestToken", () -> store.takeRequestToken(user, capacity, window, now));
    }

    @Override
    public void returnRequestToken(String user, int capacity, Duration window, Instant now) {
        run("returnRequestToken", () -> store.returnRequestToken(user, capacity, window, now));
    }

    @Override
    public boolean claimRequest(GrantKey key, String claimant, Instant now, Instant until) {
        return call("claimRequest", () -> store.claimRequest(key, claimant, now, until));
    }

    @Override
    public void releaseRequest(GrantKey key, String claimant) {
        run("releaseRequest", () -> store.releaseRequest(key, claimant));
    }

    @Override
    public void putLockState(String user, LockState state) {
        run("putLockState", () -> store.putLockState(user, state));
    }

    @Override
    public Optional<LockState> lockState(String user, Instant now) {
        return call("lockState", () -> store.lockState(user, now));
    }

    @Override
    public long grantCount() {
        return call("grantCount", store::grantCount);
    }

    @Override
    public long pendingCount() {
        return call("pendingCount", store::pendingCount);
    }

    /** A counter of the store's own, read without a call to the backend. */
    @Override
    public long rejectedEntries() {
        return store.rejectedEntries();
    }

    @Override
    public void purge(Instant now) {
        call("purge", timeout.compareTo(PURGE_AT_LEAST) > 0 ? timeout : PURGE_AT_LEAST, () -> {
            store.purge(now);
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
