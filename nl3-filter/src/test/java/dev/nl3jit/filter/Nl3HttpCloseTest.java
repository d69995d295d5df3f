package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.nl3.Nl3Http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Closing the transport stops its threads: its own always (its timer too), the HTTP client's selector where the JDK can
 * (21+; on 17 it ends once the client is collected). JDK-wide threads (the common pool's) are not the library's and
 * not counted; the transport starts none of them for its deadlines.
 */
class Nl3HttpCloseTest {
    private static Set<String> threads() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                names.add(t.getName() + "#" + t.getId());
            }
        }
        return names;
    }

    @Test
    void closeStopsTheThreadsOfAsynchronousCalls() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            Set<String> before = threads();
            Nl3Http http = new Nl3Http(Duration.ofSeconds(1), Duration.ofSeconds(1), 1000);
            assertEquals(200, http.exchangeAsync("GET", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                    Map.of(), null).get().status());
            Set<String> started = threads();
            started.removeAll(before);
            assertFalse(started.stream().noneMatch(n -> n.startsWith("nl3-http-async-")), "no async threads? " + started);
            assertFalse(started.stream().noneMatch(n -> n.startsWith("HttpClient-")), "no HTTP client? " + started);
            http.close();
            long until = System.nanoTime() + 5_000_000_000L;
            List<String> left;
            do {
                Thread.sleep(20);
                Set<String> now = threads();
                left = started.stream().filter(now::contains)
                        .filter(n -> n.startsWith("nl3-") || n.startsWith("HttpClient-") && Runtime.version().feature() >= 21)
                        .sorted().toList();
            } while (!left.isEmpty() && System.nanoTime() < until);
            assertEquals(List.of(), left, "threads outlived close() (the selector counts from Java 21 on)");
        } finally {
            server.stop(0);
        }
    }

    /**
     * A status call whose answer trickles in fails at its deadline, failed by the transport's own timer: never by the
     * JDK's shared one ({@code CompletableFuture.orTimeout}), whose thread would take the caller's context class loader
     * (an application's) and outlive the application.
     */
    @Test
    void theDeadlineOfAStatusCallIsKeptByTheTransportsOwnTimer() throws Exception {
        try (SlowNl3 nl3 = SlowNl3.start().otherwise(SlowNl3.Way.TRICKLE_BODY)) {
            Nl3Http http = new Nl3Http(Duration.ofSeconds(1), Duration.ofSeconds(2), 1000);
            try {
                java.util.concurrent.CompletableFuture<String> failedOn = new java.util.concurrent.CompletableFuture<>();
                http.exchangeAsync("GET", URI.create(nl3.baseUri() + "/nl3/api/v1/approvalRequest/r-1"), Map.of(), null)
                        .whenComplete((r, e) -> failedOn.complete((e == null ? "answered " : e.getMessage() + " on ")
                                + Thread.currentThread().getName()));
                String how = failedOn.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(how.startsWith("no answer within 3000 ms on nl3-http-timer-"), how);
            } finally {
                http.close();
            }
        }
    }
}
