package dev.nl3jit.filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP exchanges with NL3: explicit connect and read timeouts, no redirects, no caches, a cap on the answer's size,
 * and an overall bound of connect + read timeout.
 * <ul>
 * <li>{@link #exchange} (the request path: lock checks, approval requests, cancels) runs on the JDK's
 * {@link HttpURLConnection} on this object's own daemon threads, which {@link #close()} stops and awaits.</li>
 * <li>{@link #exchangeAsync} (status checks of waiting pages) holds no thread while NL3 answers: it uses
 * {@code java.net.http.HttpClient#sendAsync}, made on first use only, so an application that never long-polls never
 * starts its selector thread. The client's threads carry no context class loader, and {@link #close()} closes the
 * client where the JDK can (21 and later); on 17 its selector thread ends once the client is collected.</li>
 * </ul>
 */
final class Nl3Http implements AutoCloseable {
    /** An answer: the status and at most the allowed number of bytes of the body. */
    record Answer(int status, byte[] body) {
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxBytes;
    private final ExecutorService threads;
    private final ExecutorService asyncThreads;
    private volatile java.net.http.HttpClient async;

    Nl3Http(Duration connectTimeout, Duration readTimeout, int maxBytes) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nl3-http-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
        AtomicInteger m = new AtomicInteger();
        // Parses answers and runs what follows a status call (a store update); never waits on the network.
        this.asyncThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "nl3-http-async-" + m.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
    }

    /**
     * Where work that may block (an NL3 call of its own, e.g. the lock check before a grant is recorded) goes on after
     * an asynchronous call: this object's own threads, never the HTTP client's few.
     */
    java.util.concurrent.Executor blocking() {
        return threads;
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

    /**
     * As {@link #exchange}, without holding a thread while NL3 answers. The future fails with an {@link Nl3Failure}
     * (TIMEOUT, CONNECTION, TOO_LARGE).
     */
    java.util.concurrent.CompletableFuture<Answer> exchangeAsync(String method, URI uri, Map<String, String> headers,
            byte[] body) {
        long overall = connectTimeout.plus(readTimeout).toMillis();
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(uri).timeout(readTimeout.plus(connectTimeout))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        java.util.concurrent.CompletableFuture<Answer> answer;
        try {
            answer = asyncClient().sendAsync(b.build(), info -> new Capped(maxBytes))
                    .thenApply(r -> new Answer(r.statusCode(), r.body()));
        } catch (RuntimeException e) {
            // Rejected by the client or its executor: the application is stopping.
            return java.util.concurrent.CompletableFuture.failedFuture(new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0,
                    "status call not sent (" + e.getClass().getSimpleName() + "); the NL3 client is closing"));
        }
        return answer.orTimeout(overall + 250, TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            return java.util.concurrent.CompletableFuture.failedFuture(failure(cause, overall));
        });
    }

    private static Nl3Failure failure(Throwable cause, long overall) {
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
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> result = new java.util.concurrent.CompletableFuture<>();
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
     * Sends one request and reads the answer, within connect + read timeout.
     *
     * @param body {@code null} for none
     * @throws Nl3Failure TIMEOUT, CONNECTION, TOO_LARGE or INTERRUPTED
     */
    Answer exchange(String method, URI uri, Map<String, String> headers, byte[] body) throws Nl3Failure {
        long overall = connectTimeout.plus(readTimeout).toMillis();
        HttpURLConnection[] connection = new HttpURLConnection[1];
        Future<Answer> call;
        try {
            call = threads.submit(() -> run(method, uri, headers, body, connection));
        } catch (RejectedExecutionException e) {
            throw new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "the NL3 client is closed");
        }
        try {
            return call.get(overall + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abort(call, connection[0]);
            throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overall + " ms");
        } catch (InterruptedException e) {
            abort(call, connection[0]);
            Thread.currentThread().interrupt();
            throw new Nl3Failure(Nl3Failure.Reason.INTERRUPTED, 0, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Nl3Failure f) {
                throw f;
            }
            if (cause instanceof SocketTimeoutException) {
                throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overall + " ms");
            }
            if (cause instanceof ConnectException) {
                throw new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "cannot connect: " + cause.getClass().getSimpleName());
            }
            throw new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "connection failed: " + cause.getClass().getSimpleName());
        }
    }

    private Answer run(String method, URI uri, Map<String, String> headers, byte[] body, HttpURLConnection[] holder)
            throws IOException, Nl3Failure {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        holder[0] = c;
        c.setConnectTimeout((int) connectTimeout.toMillis());
        c.setReadTimeout((int) readTimeout.toMillis());
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (in == null) {
            return new Answer(status, new byte[0]);
        }
        try (in) {
            byte[] answer = Streams.readAtMost(in, maxBytes);
            if (answer == null) {
                c.disconnect();
                throw new Nl3Failure(Nl3Failure.Reason.TOO_LARGE, 0, "response larger than " + maxBytes + " bytes");
            }
            return new Answer(status, answer);
        }
    }

    private static void abort(Future<?> call, HttpURLConnection c) {
        call.cancel(true);
        if (c != null) {
            c.disconnect();
        }
    }

    /** Stops the threads and waits for them, so an undeploy leaves none behind. */
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
        threads.shutdownNow();
        try {
            threads.awaitTermination(connectTimeout.plus(readTimeout).toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
