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
 * One HTTP exchange with NL3 at a time per call, on the JDK's {@link HttpURLConnection}: explicit connect and read
 * timeouts, no redirects, no caches, a cap on the answer's size, and an overall bound of connect + read timeout
 * (the call runs on this object's own daemon threads, which {@link #close()} stops and awaits). Unlike
 * {@code java.net.http.HttpClient} on Java 17, it leaves no selector thread behind when the application is undeployed.
 */
final class Nl3Http implements AutoCloseable {
    /** An answer: the status and at most the allowed number of bytes of the body. */
    record Answer(int status, byte[] body) {
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxBytes;
    private final ExecutorService threads;

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
        threads.shutdownNow();
        try {
            threads.awaitTermination(connectTimeout.plus(readTimeout).toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
