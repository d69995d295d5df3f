package dev.nl3jit.filter;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Payara Micro 6 as its operators run it: {@code java -jar payara-micro.jar --deploy app.war}, in its own JVM on a
 * free port, its output kept in a log file the tests read. The jar's path comes from {@code test.payara.micro.jar}, which
 * the build sets ({@code fish.payara.extras:payara-micro}, kept off the test's class path).
 */
public final class PayaraMicro implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private PayaraMicro(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts Payara Micro with these WARs deployed and returns once it says it is ready (or fails if it exits). */
    public static PayaraMicro start(Path work, Path... wars) throws IOException, InterruptedException {
        String jar = System.getProperty("test.payara.micro.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("test.payara.micro.jar: not set or not a file (" + jar + "); the build sets it");
        }
        Files.createDirectories(work);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar, "--nocluster", "--port", String.valueOf(port), "--rootdir",
                work.resolve("root").toString()));
        for (Path war : wars) {
            command.add("--deploy");
            command.add(war.toString());
        }
        Path log = work.resolve("payara-micro.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PayaraMicro server = new PayaraMicro(p, log, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!server.log().contains(" ready in ")) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + p.exitValue() + ":\n" + server.log());
            }
            if (System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("Payara Micro not ready after 180 s:\n" + server.log());
            }
            Thread.sleep(200);
        }
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Everything the server printed so far. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    public int get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
