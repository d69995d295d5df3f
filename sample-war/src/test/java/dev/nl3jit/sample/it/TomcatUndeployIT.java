package dev.nl3jit.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Sandbox;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the packaged sample WAR to an embedded Tomcat 10.1, has a user wait on a pending page and on a long poll
 * ({@code /nl3-approval/status?p=…&wait=…}), then undeploys it: Tomcat's leak detection must stay silent, no thread may
 * be left with the application's class loader, and no thread of the library may survive.
 *
 * <p>Each run is a JVM of its own, started for the purpose, so that nothing another test did earlier in the JVM (a JDK
 * timer thread some other application started, say) can hide a leak: one on Java 17 and one on Java 25 (a Temurin 25
 * JDK, {@code -Dtest.jdk25.home=<JDK home>}, by default {@code /usr/lib/jvm/temurin-25-jdk-amd64}; skipped with a message
 * only where that JDK is absent).
 */
class TomcatUndeployIT {
    private static final String RESULT = "undeploy-check: ";

    @TempDir
    Path work;

    @Test
    void undeployOnJava17LeavesNoThreadAndTomcatReportsNoLeak() throws Exception {
        Path jdk = Runtime.version().feature() == 17 ? Path.of(System.getProperty("java.home"))
                : Path.of(System.getProperty("test.jdk17.home", "/usr/lib/jvm/java-17-openjdk-amd64"));
        undeployIn(jdk, 17, "test.jdk17.home");
    }

    @Test
    void undeployOnJava25LeavesNoThreadAndTomcatReportsNoLeak() throws Exception {
        Path jdk = Path.of(System.getProperty("test.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        undeployIn(jdk, 25, "test.jdk25.home");
    }

    /** Runs {@link #main} in a JVM of {@code jdk} and checks what it found. */
    private void undeployIn(Path jdk, int feature, String property) throws Exception {
        Path java = jdk.resolve("bin").resolve("java");
        Assumptions.assumeTrue(Files.isExecutable(java), "no Java " + feature + " JDK at " + jdk
                + ": the undeploy check on Java " + feature + " is skipped (-D" + property + "=<JDK home> names another)");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        // Tomcat's leak detection needs these to look everywhere; the build gives them to this JVM too.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
        command.add("-Dsample.war.file=" + System.getProperty("sample.war.file"));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(TomcatUndeployIT.class.getName());
        command.add(work.toString());
        Path output = work.resolve("jvm-" + feature + ".log");
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = jvm.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            jvm.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(ended, "the Java " + feature + " run did not end:\n" + log);
        String result = log.lines().filter(l -> l.startsWith(RESULT)).reduce((a, b) -> b).orElse("(no result)");
        assertEquals(0, jvm.exitValue(), "the undeploy check failed on " + jdk + ": " + result + "\n" + log);
        assertTrue(result.startsWith(RESULT + "passed on Java " + feature + "."), result + "\n" + log);
        System.out.println(result);
    }

    /** One undeploy check in this JVM: {@code args[0]} is a working directory; the exit code says how it went. */
    public static void main(String[] args) {
        try {
            check(Path.of(args[0]).resolve("tomcat-" + Runtime.version().feature()));
            System.out.println(RESULT + "passed on Java " + Runtime.version() + ".");
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println(RESULT + "failed on Java " + Runtime.version() + ": " + t.getMessage());
            System.exit(1);
        }
    }

    private static void check(Path base) throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(new java.util.logging.SimpleFormatter().formatMessage(r));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger leaks = Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");
        leaks.addHandler(capture);
        // Tomcat expands the WAR under webapps.
        Files.createDirectories(base.resolve("webapps"));
        Sandbox sandbox = Deployments.startSandbox(null);
        Tomcat tomcat = new Tomcat();
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            tomcat.setBaseDir(base.toString());
            tomcat.setPort(port);
            tomcat.getConnector();
            tomcat.addUser("alice", "pw");
            tomcat.addRole("alice", "user");
            Path war = base.resolve("sample-war.war");
            Files.copy(new File(System.getProperty("sample.war.file")).toPath(), war);
            Context ctx = tomcat.addWebapp("/sample-war", war.toString());
            // As on a server: the application is its WAR; the test's class path is not Tomcat's to scan.
            ((org.apache.tomcat.util.scan.StandardJarScanner) ctx.getJarScanner()).setScanClassPath(false);
            tomcat.start();
            ClassLoader application = ctx.getLoader().getClassLoader();

            WebClient alice = new WebClient(URI.create("http://127.0.0.1:" + port + "/sample-war/")).login("alice");
            HttpResponse<String> pending = alice.get("admin/users");
            assertEquals(303, pending.statusCode(), pending.body());
            String page = alice.relative(pending.headers().firstValue("Location").orElseThrow());
            // The pending page checks the status at NL3 on the request's own thread, the application's.
            HttpResponse<String> waiting = alice.get(page);
            assertEquals(200, waiting.statusCode(), waiting.body());
            assertTrue(waiting.body().contains("Approval required"), waiting.body());
            // The page's long poll: it waits its time out, checked on the library's own threads.
            HttpResponse<String> status = alice.get(page.replace("nl3-approval?", "nl3-approval/status?") + "&wait=2",
                    "Accept", "application/json");
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"approvalStatus\":\"PENDING\""), status.body());
            assertTrue(sandbox.calls().stream().filter(c -> c.path().contains("/approvalRequest/")).count() >= 2,
                    "the page and the long poll asked NL3 for the status: " + sandbox.calls());
            assertTrue(threadsOfTheLibrary().size() > 0, "the application runs its own threads while deployed");

            tomcat.getHost().removeChild(ctx);

            // Every warning of Tomcat's class loader on undeploy is a leak it found (threads, timers, ThreadLocals, …).
            assertEquals(List.of(), warnings, "Tomcat reported leaks on undeploy");
            assertEquals(List.of(), threadsOf(application), "threads left with the application's class loader");
            assertEquals(List.of(), threadsOfTheLibrary(), "threads of the library outlived the application");
        } finally {
            leaks.removeHandler(capture);
            tomcat.stop();
            tomcat.destroy();
            Deployments.stop(sandbox);
        }
    }

    /** The library names all its threads nl3-… (the sandbox's are the test's; the test's own HTTP client is not counted). */
    private static List<String> threadsOfTheLibrary() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("nl3-") && !n.startsWith("nl3-sandbox")).sorted().toList();
    }

    /** Live threads whose context class loader is {@code loader}: what Tomcat reports as started by the application. */
    private static List<String> threadsOf(ClassLoader loader) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getContextClassLoader() == loader).map(Thread::getName).sorted().toList();
    }
}
