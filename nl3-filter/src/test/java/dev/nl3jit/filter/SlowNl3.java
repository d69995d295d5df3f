package dev.nl3jit.filter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An NL3 that misbehaves on a real socket: for each endpoint (by path prefix) it answers promptly with a given JSON
 * body, or trickles its answer one byte a second (the head, a body of known length, or a chunked body), or sends part
 * of the head and half-closes the connection, or accepts and never answers. It checks no token: it stands in for NL3's
 * network behaviour, not for its rules (the sandbox does those).
 */
final class SlowNl3 implements AutoCloseable {
    /** How an endpoint answers. */
    enum Way {
        /** At once, with the endpoint's JSON body. */
        PROMPT,
        /** The status line and headers, one byte a second, never ending. */
        TRICKLE_HEAD,
        /** The head at once (1,000 bytes announced), then the body one byte a second. */
        TRICKLE_BODY,
        /** The head at once ({@code Transfer-Encoding: chunked}), then one-byte chunks, one byte a second. */
        TRICKLE_CHUNKED,
        /** Part of the status line, then a half-close (FIN) on a socket left open. */
        HALF_CLOSE,
        /** Reads the request and never answers. */
        SILENT
    }

    private final ServerSocket server;
    private final Map<String, Way> ways = new ConcurrentHashMap<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Way otherwise = Way.SILENT;

    private SlowNl3(ServerSocket server) {
        this.server = server;
    }

    static SlowNl3 start() throws IOException {
        SlowNl3 nl3 = new SlowNl3(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(nl3::accept, "slow-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return nl3;
    }

    /** The API base URL to configure ({@code nl3.api-base-url}). */
    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Endpoints under {@code pathPrefix} (e.g. {@code /nl3/api/v1/accountProtectionCheck}) answer this way. */
    SlowNl3 on(String pathPrefix, Way way) {
        ways.put(pathPrefix, way);
        return this;
    }

    /** Endpoints under {@code pathPrefix} answer at once with this JSON. */
    SlowNl3 answer(String pathPrefix, String json) {
        bodies.put(pathPrefix, json);
        return on(pathPrefix, Way.PROMPT);
    }

    /** Endpoints no rule names answer this way (at first: {@link Way#SILENT}). */
    SlowNl3 otherwise(Way way) {
        otherwise = way;
        return this;
    }

    /** Requests read so far. */
    int requests() {
        return requests.get();
    }

    private void accept() {
        int n = 0;
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "slow-server-" + ++n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                requests.incrementAndGet();
                String path = head.split(" ", 3)[1];
                String prefix = ways.keySet().stream().filter(path::startsWith).max(java.util.Comparator.comparingInt(String::length))
                        .orElse(null);
                Way way = prefix == null ? otherwise : ways.get(prefix);
                switch (way) {
                    case PROMPT -> {
                        byte[] body = bodies.get(prefix).getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        // and the next request on this connection
                    }
                    case TRICKLE_HEAD -> {
                        trickle(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + "a".repeat(100_000));
                        return;
                    }
                    case TRICKLE_BODY -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        trickle(out, "{\"locked\":false,\"status\":\"PENDING\",\"pad\":\"" + "a".repeat(1000));
                        return;
                    }
                    case TRICKLE_CHUNKED -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        trickle(out, "1\r\n{\r\n" + "1\r\n \r\n".repeat(100_000));
                        return;
                    }
                    case HALF_CLOSE -> {
                        out.write("HTTP/1.1 2".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        s.shutdownOutput();
                        in.transferTo(OutputStream.nullOutputStream());
                        return;
                    }
                    case SILENT -> {
                        in.transferTo(OutputStream.nullOutputStream());
                        return;
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is closing
        } finally {
            open.remove(s);
        }
    }

    /** Writes {@code text} one byte a second, until the client goes away or the server closes. */
    private static void trickle(OutputStream out, String text) throws IOException, InterruptedException {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            Thread.sleep(1000);
        }
    }

    /** The request's head up to the blank line, or {@code null} when the connection ended first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            int n = head.size();
            byte[] b = head.toByteArray();
            if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
