package dev.nl3jit.filter.internal.nl3;

import dev.nl3jit.filter.internal.settings.SettingsTable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP exchanges with NL3: explicit connect and read timeouts, no redirects, no caches, a cap on the answer's size,
 * and a deadline of connect + read timeout per call that holds whatever the server does: an answer trickled a byte at
 * a time (which no read timeout ever catches), a half-closed connection, a server that accepts and never answers.
 * <ul>
 * <li>{@link #exchange} (the request path: lock checks, approval requests, cancels) runs on the JDK's
 * {@link HttpURLConnection} on this object's own daemon threads: at most {@code nl3.call-threads} of them, with at most
 * {@code nl3.call-queue} calls waiting for one; a call beyond that is refused at once ({@link Nl3Failure.Reason#BUSY}).
 * The work that follows a status call ({@link #blocking()}) counts the same.
 * The caller waits until the deadline (and a tenth of a second for the call's own outcome) and never touches the
 * connection afterwards. The call is cut at its deadline by this object's timer while the head of the answer is read (a
 * socket close, which takes no lock the reading thread holds); while the body is read, the reading thread stops by
 * itself at its next read past the deadline, since the JDK's body streams hold a lock across each read that a close
 * from another thread would queue on for as long as the server trickles.</li>
 * <li>{@link #exchangeAsync} (status checks of waiting pages) holds no thread while NL3 answers: it uses
 * {@code java.net.http.HttpClient#sendAsync}, made on first use only, so an application that never long-polls never
 * starts its selector thread; at the deadline this object's timer fails the call and cancels the exchange. The client's
 * threads carry no context class loader, and {@link #close()} closes the client where the JDK can (21 and later); on 17
 * its selector thread ends once the client is collected.</li>
 * </ul>
 * No deadline uses the JDK's shared timers ({@code CompletableFuture.orTimeout}, {@code delayedExecutor}): their thread
 * starts with the calling thread's context class loader, the application's, and outlives it. The timer here is this
 * object's own, stopped by {@link #close()} with every other thread it started.
 */
public final class Nl3Http implements AutoCloseable {
    /** An answer: the status and at most the allowed number of bytes of the body. */
    public record Answer(int status, byte[] body) {
    }

    /** How long a caller waits beyond the deadline for the call's own outcome (its timeout, a refused connection). */
    private static final long GRACE_MILLIS = 100;
    /** Idle threads (calls and timer) end after this; the next call starts them again. */
    private static final long IDLE_SECONDS = 30;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxBytes;
    private final int maxThreads;
    private final int maxQueued;
    private final ThreadPoolExecutor threads;
    /** Places for blocking work, running or waiting: {@code maxThreads + maxQueued}; none left, the work is refused. */
    private final Semaphore places;
    private final ExecutorService asyncThreads;
    private final ScheduledThreadPoolExecutor timer;
    /** Blocking calls running now, cut by {@link #close()}. */
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private volatile java.net.http.HttpClient async;

    /** With the default number of threads and waiting calls. */
    public Nl3Http(Duration connectTimeout, Duration readTimeout, int maxBytes) {
        this(connectTimeout, readTimeout, maxBytes, SettingsTable.CALL_THREADS.defaultValue(),
                SettingsTable.CALL_QUEUE.defaultValue());
    }

    /**
     * @param maxThreads threads that make blocking calls at most ({@code nl3.call-threads})
     * @param maxQueued  blocking calls that may wait for one of them ({@code nl3.call-queue})
     */
    public Nl3Http(Duration connectTimeout, Duration readTimeout, int maxBytes, int maxThreads, int maxQueued) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.maxThreads = maxThreads;
        this.maxQueued = maxQueued;
        AtomicInteger n = new AtomicInteger();
        // The queue holds no more than the places allow; a place is given back the moment its work ends, so a caller
        // that goes on to its next call never finds its own thread still counted.
        this.places = new Semaphore(maxThreads + maxQueued);
        this.threads = new ThreadPoolExecutor(maxThreads, maxThreads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> new Worker(r, "nl3-http-" + n.incrementAndGet(), this), new ThreadPoolExecutor.AbortPolicy());
        threads.allowCoreThreadTimeOut(true);
        AtomicInteger m = new AtomicInteger();
        // Parses answers and runs what follows a status call (a store update); never waits on the network.
        this.asyncThreads = Executors.newFixedThreadPool(2, r -> daemon(r, "nl3-http-async-" + m.incrementAndGet()));
        AtomicInteger k = new AtomicInteger();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "nl3-http-timer-" + k.incrementAndGet()));
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /** A daemon thread without a context class loader, so it never pins the application's. */
    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setContextClassLoader(null);
        return t;
    }

    /** A thread of {@link #threads}: a blocking call made on one runs there, never queued behind itself. */
    private static final class Worker extends Thread {
        private final Nl3Http owner;

        Worker(Runnable r, String name, Nl3Http owner) {
            super(r, name);
            this.owner = owner;
            setDaemon(true);
            setContextClassLoader(null);
        }
    }

    /**
     * Where work that may block (an NL3 call of its own, e.g. the lock check before a grant is recorded) goes on after
     * an asynchronous call: this object's own threads, never the HTTP client's few. When they are all busy and as many
     * calls wait, it refuses the work ({@link RejectedExecutionException}).
     */
    java.util.concurrent.Executor blocking() {
        return task -> {
            if (!places.tryAcquire()) {
                throw new RejectedExecutionException(busy().getMessage());
            }
            try {
                threads.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        places.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                places.release();
                throw e;
            }
        };
    }

    private java.net.http.HttpClient asyncClient() {
        java.net.http.HttpClient c = async;
        if (c == null) {
            synchronized (this) {
                c = async;
                if (c == null) {
                    // The client's selector thread inherits this thread's context class loader: give it none, so it
                    // never pins the application's class loader.
                    Thread self = Thread.currentThread();
                    ClassLoader before = self.getContextClassLoader();
                    self.setContextClassLoader(null);
                    try {
                        c = java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout)
                                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).executor(asyncThreads)
                                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
                    } finally {
                        self.setContextClassLoader(before);
                    }
                    async = c;
                }
            }
        }
        return c;
    }

    private long overallMillis() {
        return connectTimeout.plus(readTimeout).toMillis();
    }

    /**
     * As {@link #exchange}, without holding a thread while NL3 answers. The future fails with an {@link Nl3Failure}
     * (TIMEOUT, CONNECTION, TOO_LARGE) by the deadline whatever the server does.
     */
    public CompletableFuture<Answer> exchangeAsync(String method, URI uri, Map<String, String> headers, byte[] body) {
        long overall = overallMillis();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        AtomicReference<CompletableFuture<?>> exchange = new AtomicReference<>();
        ScheduledFuture<?> alarm = null;
        try {
            // The deadline, on this object's timer: a body trickled after the head is past the client's own timeout.
            alarm = timer.schedule(() -> {
                if (answer.completeExceptionally(new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overall + " ms"))) {
                    CompletableFuture<?> e = exchange.get();
                    if (e != null) {
                        e.cancel(true);
                    }
                }
            }, overall + GRACE_MILLIS, TimeUnit.MILLISECONDS);
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(uri).timeout(readTimeout.plus(connectTimeout))
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            CompletableFuture<java.net.http.HttpResponse<byte[]>> sent = asyncClient().sendAsync(b.build(),
                    info -> new Capped(maxBytes));
            exchange.set(sent);
            ScheduledFuture<?> deadline = alarm;
            sent.whenComplete((r, e) -> {
                deadline.cancel(false);
                if (e == null) {
                    answer.complete(new Answer(r.statusCode(), r.body()));
                } else {
                    answer.completeExceptionally(failure(e, overall));
                }
            });
            if (answer.isDone()) {
                sent.cancel(true);
            }
        } catch (RuntimeException e) {
            // Rejected by the timer, the client or its executor: the application is stopping.
            if (alarm != null) {
                alarm.cancel(false);
            }
            answer.completeExceptionally(new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0,
                    "call not sent (" + e.getClass().getSimpleName() + "); the NL3 client is closing"));
        }
        return answer;
    }

    private static Nl3Failure failure(Throwable e, long overall) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof Nl3Failure f) {
            return f;
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException
                || cause instanceof SocketTimeoutException) {
            return new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overall + " ms");
        }
        if (cause instanceof ConnectException) {
            return new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "cannot connect: " + cause.getClass().getSimpleName());
        }
        return new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "connection failed: " + cause.getClass().getSimpleName());
    }

    /** Collects an answer's body up to a cap; a larger one fails with TOO_LARGE and the exchange is cancelled. */
    private static final class Capped implements java.net.http.HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        Capped(int max) {
            this.max = max;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.util.List<java.nio.ByteBuffer> buffers) {
            for (java.nio.ByteBuffer b : buffers) {
                if (out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new Nl3Failure(Nl3Failure.Reason.TOO_LARGE, 0,
                            "response larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    /**
     * Sends one request and reads the answer; returns or fails within connect + read timeout (and a tenth of a
     * second), whatever the server does.
     *
     * @param body {@code null} for none
     * @throws Nl3Failure TIMEOUT, CONNECTION, TOO_LARGE, BUSY (every thread busy and the queue full) or INTERRUPTED
     */
    Answer exchange(String method, URI uri, Map<String, String> headers, byte[] body) throws Nl3Failure {
        long overall = overallMillis();
        Call call = new Call(method, uri, headers, body, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(overall));
        if (Thread.currentThread() instanceof Worker w && w.owner == this) {
            // Work that follows a status call, already on one of these threads: the call runs here.
            try {
                return call.call();
            } catch (IOException | RuntimeException e) {
                throw failure(e, overall);
            }
        }
        if (!places.tryAcquire()) {
            throw threads.isShutdown() ? closed() : busy();
        }
        FutureTask<Answer> task = new FutureTask<>(call);
        call.holdsPlace = true;
        try {
            threads.execute(task);
        } catch (RejectedExecutionException e) {
            call.givePlaceBack();
            throw closed();
        }
        try {
            return task.get(overall + GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            giveUp(task, call);
            throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overall + " ms");
        } catch (InterruptedException e) {
            giveUp(task, call);
            Thread.currentThread().interrupt();
            throw new Nl3Failure(Nl3Failure.Reason.INTERRUPTED, 0, "interrupted");
        } catch (CancellationException e) {
            throw closed();
        } catch (ExecutionException e) {
            throw failure(e.getCause(), overall);
        }
    }

    /**
     * The caller stops waiting: a call still in the queue leaves it; a running one is cut by the timer, never by the
     * caller, which must not wait on the connection.
     */
    private void giveUp(FutureTask<Answer> task, Call call) {
        if (threads.remove(task)) {
            call.givePlaceBack();
        }
        task.cancel(false);
        try {
            timer.execute(call::expire);
        } catch (RejectedExecutionException e) {
            // closing: close() cuts every running call
        }
    }

    private Nl3Failure busy() {
        return new Nl3Failure(Nl3Failure.Reason.BUSY, 0, "all " + maxThreads + " threads for NL3 calls are busy and "
                + maxQueued + " calls wait for one (nl3.call-threads, nl3.call-queue)");
    }

    private static Nl3Failure closed() {
        return new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "the NL3 client is closed");
    }

    /** One blocking call: its connection, its deadline, and how far it got. */
    private final class Call implements Callable<Answer> {
        /** Connecting: nothing to cut yet; the call looks at its stage once connected. */
        private static final int CONNECTING = 0;
        /** Sending the request and reading the head of the answer: cut by closing the socket. */
        private static final int HEAD = 1;
        /** Reading the body: the reading thread stops at its next read. */
        private static final int BODY = 2;
        /** The deadline passed (or the call was given up or closed). */
        private static final int OVER = 3;

        private final String method;
        private final URI uri;
        private final Map<String, String> headers;
        private final byte[] body;
        private final long deadline;
        private final AtomicInteger stage = new AtomicInteger(CONNECTING);
        private volatile HttpURLConnection connection;
        /** Whether it holds one of {@link #places} (a call made on a worker runs in its caller's place). */
        private volatile boolean holdsPlace;
        private final java.util.concurrent.atomic.AtomicBoolean placeGiven = new java.util.concurrent.atomic.AtomicBoolean();

        Call(String method, URI uri, Map<String, String> headers, byte[] body, long deadline) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
            this.deadline = deadline;
        }

        /** The deadline: a head still being read is cut now; a body stops at its next read; a connect, once made. */
        void expire() {
            int s = stage.get();
            while (s != OVER && !stage.compareAndSet(s, OVER)) {
                s = stage.get();
            }
            HttpURLConnection c = connection;
            if (s == HEAD && c != null) {
                // No body stream yet: this closes the socket and takes no lock the reading thread holds.
                c.disconnect();
            }
        }

        /** Gives its place back, once, as soon as it ends or leaves the queue. */
        void givePlaceBack() {
            if (holdsPlace && placeGiven.compareAndSet(false, true)) {
                places.release();
            }
        }

        private boolean over() {
            return stage.get() == OVER || System.nanoTime() - deadline >= 0;
        }

        private Nl3Failure timeout() {
            return new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overallMillis() + " ms");
        }

        @Override
        public Answer call() throws IOException, Nl3Failure {
            try {
                return callInPlace();
            } finally {
                givePlaceBack();
            }
        }

        private Answer callInPlace() throws IOException, Nl3Failure {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // It waited for a thread until its caller had gone.
                throw timeout();
            }
            running.add(this);
            ScheduledFuture<?> alarm = null;
            try {
                alarm = timer.schedule(this::expire, left, TimeUnit.NANOSECONDS);
                return exchange();
            } catch (IOException e) {
                if (stage.get() == OVER) {
                    throw timeout();
                }
                throw e;
            } catch (RejectedExecutionException e) {
                throw closed();
            } finally {
                running.remove(this);
                if (alarm != null) {
                    alarm.cancel(false);
                }
            }
        }

        private Answer exchange() throws IOException, Nl3Failure {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            connection = c;
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestMethod(method);
            headers.forEach(c::setRequestProperty);
            c.setDoOutput(body != null);
            c.connect();
            if (!stage.compareAndSet(CONNECTING, HEAD)) {
                c.disconnect();
                throw timeout();
            }
            if (body != null) {
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            if (!stage.compareAndSet(HEAD, BODY)) {
                c.disconnect();
                throw timeout();
            }
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in == null) {
                return new Answer(status, new byte[0]);
            }
            try (in) {
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    answer.write(buf, 0, n);
                    if (answer.size() > maxBytes) {
                        c.disconnect();
                        throw new Nl3Failure(Nl3Failure.Reason.TOO_LARGE, 0, "response larger than " + maxBytes + " bytes");
                    }
                    if (over()) {
                        // Past the deadline, a byte at a time: this thread is the only reader, so nothing waits here.
                        stage.set(OVER);
                        c.disconnect();
                        throw timeout();
                    }
                }
                return new Answer(status, answer.toByteArray());
            }
        }
    }

    /** Stops the threads and waits for them, so an undeploy leaves none behind; calls still running are cut. */
    @Override
    public void close() {
        java.net.http.HttpClient c = async;
        if (c != null) {
            try {
                // Java 21 and later: stops the client and its selector thread now, in-flight calls included.
                java.net.http.HttpClient.class.getMethod("shutdownNow").invoke(c);
            } catch (NoSuchMethodException e) {
                // Java 17: the selector thread ends once the client is collected.
            } catch (ReflectiveOperationException | RuntimeException e) {
                // closing is best effort
            }
        }
        asyncThreads.shutdownNow();
        for (Runnable queued : threads.shutdownNow()) {
            if (queued instanceof FutureTask<?> f) {
                f.cancel(false);
            }
        }
        for (Call call : running) {
            call.expire();
        }
        timer.shutdownNow();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(overallMillis() + 500);
        try {
            threads.awaitTermination(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            timer.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            asyncThreads.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
