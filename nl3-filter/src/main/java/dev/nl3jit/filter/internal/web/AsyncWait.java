package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.Answer;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.internal.engine.PendingTracker;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Long polls that hold no thread while they wait: where the request supports async, the ticket is watched (checked at
 * the watched pace, within the node's budget of status calls), each check is a non-blocking NL3 call shared by every
 * waiter of the ticket, and the answer is written the moment the status is final or NL3 starts or stops failing for
 * the ticket, or when the wait is over, on the dot, whatever call is in flight.
 */
public final class AsyncWait implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AsyncWait.class.getName());
    private final ScheduledExecutorService scheduler;

    AsyncWait() {
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "nl3-long-poll-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
    }

    /** One open long poll. */
    private final class Waiter {
        private final AsyncContext async;
        private final PendingTracker tracker;
        private final BiFunction<StoredApproval, Boolean, Answer> render;
        private final long deadline;
        /** What the page showed when this wait began: whether NL3 was failing for the ticket. */
        private final boolean failingAtStart;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile StoredApproval last;
        private volatile boolean unavailable;

        Waiter(AsyncContext async, PendingTracker tracker, StoredApproval pending, Duration wait,
                BiFunction<StoredApproval, Boolean, Answer> render) {
            this.async = async;
            this.tracker = tracker;
            this.render = render;
            this.last = pending;
            this.deadline = System.nanoTime() + wait.toNanos();
            this.failingAtStart = PendingTracker.failingShown(pending, false);
        }

        void finish() {
            if (done.compareAndSet(false, true)) {
                tracker.unwatch(last.ticket());
                try {
                    render.apply(last, unavailable).writeTo((HttpServletResponse) async.getResponse());
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "long poll answer not delivered: {0}", e.toString());
                } finally {
                    try {
                        async.complete();
                    } catch (IllegalStateException e) {
                        // the container already ended it
                    }
                }
            }
        }

        void abandon() {
            if (done.compareAndSet(false, true)) {
                tracker.unwatch(last.ticket());
            }
        }

        void tick() {
            if (done.get()) {
                return;
            }
            tracker.refreshAsync(last).whenComplete((p, e) -> {
                if (p != null) {
                    last = p;
                    unavailable = false;
                } else {
                    unavailable = true;
                    if (!(e instanceof Nl3Failure)) {
                        LOG.log(Level.WARNING, "long poll check failed", e);
                    }
                }
                long left = deadline - System.nanoTime();
                // NL3 starting or stopping to fail changes what the page says: answered now, not at the deadline. The
                // next wait begins with the state answered, so each change is answered once.
                if (last.status().isFinal() || left <= 0 || PendingTracker.failingShown(last, unavailable) != failingAtStart) {
                    finish();
                } else if (!done.get()) {
                    schedule(this::tick, tracker.nextCheckInMillis(last, left));
                }
            });
        }
    }

    private void schedule(Runnable task, long millis) {
        try {
            scheduler.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // undeployed: the container ends the request
        }
    }

    /**
     * Starts waiting for {@code pending} to be decided; {@code render} turns the last known status (and whether NL3
     * failed on the last check) into the answer.
     */
    void start(HttpServletRequest req, PendingTracker tracker, StoredApproval pending, Duration wait,
            BiFunction<StoredApproval, Boolean, Answer> render) {
        AsyncContext async = req.startAsync();
        async.setTimeout(wait.plus(tracker.callBudget()).plus(Duration.ofSeconds(5)).toMillis());
        Waiter waiter = new Waiter(async, tracker, pending, wait, render);
        tracker.watch(pending);
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                waiter.finish();
            }

            @Override
            public void onError(AsyncEvent event) {
                waiter.abandon();
            }

            @Override
            public void onComplete(AsyncEvent event) {
                waiter.abandon();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // nothing to do
            }
        });
        // The answer is due when the wait is over, whatever check is in flight then.
        schedule(waiter::finish, wait.toMillis());
        scheduler.execute(waiter::tick);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
