package dev.nl3jit.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Sandbox;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the packaged sample WAR to an embedded Tomcat 10.1, makes it call NL3 (lock check, approval request, long
 * poll), then undeploys it: Tomcat's leak detection must stay silent and no thread of the library may survive.
 */
class TomcatUndeployIT {
    @TempDir
    Path base;

    @Test
    void undeployLeavesNoThreadAndTomcatReportsNoLeak() throws Exception {
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
            tomcat.start();

            WebClient alice = new WebClient(URI.create("http://127.0.0.1:" + port + "/sample-war/")).login("alice");
            HttpResponse<String> pending = alice.get("admin/users");
            assertEquals(303, pending.statusCode(), pending.body());
            String location = pending.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> status = alice.get(alice.relative(location).replace("nl3-approval?", "nl3-approval/status?")
                    + "&wait=1", "Accept", "application/json");
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(threadsOfTheLibrary().size() > 0, "the application runs its own threads while deployed");

            tomcat.getHost().removeChild(ctx);

            List<String> leaked = warnings.stream().filter(w -> w.contains("failed to stop it") || w.contains("memory leak")
                    || w.contains("ThreadLocal")).toList();
            assertEquals(List.of(), leaked, "Tomcat reported leaks on undeploy");
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
}
