package dev.nl3jit.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's, {@value #BINARY}) on a free port of 127.0.0.1, no persistence, for tests and
 * the sample: {@link #start(String...)} picks a port (binds port 0, closes it, starts Redis there, and tries another
 * port when Redis could not bind it), waits until it answers {@code PING}, and {@link #close()} stops it. Faults are
 * real: {@link #stop()} ends the process, {@link #pause()} sends it {@code SIGSTOP} (it holds connections but answers
 * nothing) and {@link #resume()} {@code SIGCONT}.
 */
public final class RedisServer implements AutoCloseable {
    public static final String BINARY = "/usr/bin/redis-server";
    private static final int TRIES = 5;

    private final List<String> extra;
    private final Path log;
    private int port;
    private Process process;

    private RedisServer(List<String> extra) throws IOException {
        this.extra = extra;
        this.log = Files.createTempFile("redis-server", ".log");
    }

    /** Whether Debian's redis-server is installed here. */
    public static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /**
     * Starts one with these extra arguments, e.g. {@code "--user", "alice on >secret ~nl3:* +@all"}.
     *
     * @throws IllegalStateException it did not start (the message carries its log)
     */
    public static RedisServer start(String... args) {
        try {
            RedisServer s = new RedisServer(List.of(args));
            s.launch();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + BINARY + ": " + e, e);
        }
    }

    private void launch() throws IOException {
        IOException last = null;
        for (int i = 0; i < TRIES; i++) {
            int p = freePort();
            List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(p), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"));
            cmd.addAll(extra);
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (awaitUp(proc, p, Duration.ofSeconds(10))) {
                this.port = p;
                this.process = proc;
                return;
            }
            proc.destroyForcibly();
            last = new IOException("redis-server did not come up on port " + p + ": " + Files.readString(log));
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Up when a PING on a fresh connection gets a reply (a NOAUTH error counts: it answers). */
    private static boolean awaitUp(Process proc, int port, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (!proc.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(1000);
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                int c = s.getInputStream().read();
                if (c == '+' || c == '-') {
                    return true;
                }
            } catch (IOException e) {
                // not yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>/<db>}. */
    public String uri(int db) {
        return "redis://127.0.0.1:" + port + "/" + db;
    }

    public String uri() {
        return uri(0);
    }

    public long pid() {
        return process.pid();
    }

    /** Runs {@code redis-cli} against it with these arguments; its output, trimmed. */
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli did not finish");
            }
            return new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGSTOP: the process keeps its socket (connects still succeed in the backlog) and answers nothing. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}; nothing when the process has ended. */
    public void resume() {
        if (process.isAlive()) {
            signal("CONT");
        }
    }

    private void signal(String name) {
        try {
            Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends the process (SIGCONT first, should it be paused) and waits for it. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal("CONT");
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port (after {@link #stop()}), empty. */
    public void restart() {
        stop();
        try {
            List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"));
            cmd.addAll(extra);
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!awaitUp(proc, port, Duration.ofSeconds(10))) {
                proc.destroyForcibly();
                throw new IllegalStateException("redis-server did not come back on port " + port + ": " + Files.readString(log));
            }
            process = proc;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file
        }
    }
}
