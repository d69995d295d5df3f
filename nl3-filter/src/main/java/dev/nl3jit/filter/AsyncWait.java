package dev.nl3jit.filter;

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
 * Long polls that hold no container thread while they wait: where the request supports async, the status
 * is re-checked on a small scheduler (at the poll interval, one NL3 call per interval per ticket as always)
 * and the answer is written when the status is final or the wait is over.
 */
final class AsyncWait implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AsyncWait.class.getName());
    private final ScheduledExecutorService scheduler;

    AsyncWait() {
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "nl3-long-poll-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts waiting for {@code pending} to be decided; {@code render} turns the last known status (and whether NL3
     * failed on the last check) into the answer.
     */
    void start(HttpServletRequest req, PendingTracker tracker, PendingApproval pending, Duration wait,
            BiFunction<PendingApproval, Boolean, Answer> render) {
        AsyncContext async = req.startAsync();
        async.setTimeout(wait.plus(tracker.callBudget()).plus(Duration.ofSeconds(5)).toMillis());
        long deadline = System.nanoTime() + wait.toNanos();
        AtomicBoolean done = new AtomicBoolean();
        PendingApproval[] last = {pending};
        boolean[] unavailable = {false};
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                try {
                    render.apply(last[0], unavailable[0]).writeTo((HttpServletResponse) async.getResponse());
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "long poll answer not delivered: {0}", e.toString());
                } finally {
                    async.complete();
                }
            }
        };
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                finish.run();
            }

            @Override
            public void onError(AsyncEvent event) {
                done.set(true);
            }

            @Override
            public void onComplete(AsyncEvent event) {
                done.set(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // nothing to do
            }
        });
        Runnable tick = new Runnable() {
            @Override
            public void run() {
                if (done.get()) {
                    return;
                }
                try {
                    last[0] = tracker.refresh(last[0]);
                    unavailable[0] = false;
                } catch (Nl3Failure f) {
                    unavailable[0] = true;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "long poll check failed", e);
                    unavailable[0] = true;
                }
                long left = deadline - System.nanoTime();
                if (last[0].status().isFinal() || left <= 0) {
                    finish.run();
                } else {
                    scheduler.schedule(this, tracker.nextCheckInMillis(left), TimeUnit.MILLISECONDS);
                }
            }
        };
        scheduler.execute(tick);
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
