package dev.nl3jit.filter.internal.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The background threads of an engine: daemon threads named for what they do, stopped and awaited on close. */
public final class Daemons {
    private Daemons() {
    }

    /** A one-thread scheduler whose thread is a daemon named {@code name-N}. */
    public static ScheduledExecutorService scheduler(String name) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops {@code scheduler} (if any) and waits up to 2 s for its threads to end. */
    public static void stop(ExecutorService scheduler) {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
