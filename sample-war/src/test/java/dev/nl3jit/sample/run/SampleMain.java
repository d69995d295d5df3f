package dev.nl3jit.sample.run;

import dev.nl3jit.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;

/**
 * Runs the sample for people: the seeded NL3 sandbox and an embedded Jetty 12 serving the exploded WAR with
 * FORM login (alice, bob, carol; password "pw"). Environment: {@code PORT} (8080), {@code SANDBOX_PORT}
 * (8089), {@code HOST} (127.0.0.1). With {@code NL3_API_BASE_URL} set, no sandbox starts and the application
 * talks to that NL3 (give {@code NL3_SIGNING_KEY} and {@code NL3_APP_URI} too). Ctrl-C stops both.
 */
public final class SampleMain {
    private SampleMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = env("HOST", "127.0.0.1");
        int port = Integer.parseInt(env("PORT", "8080"));
        Path war = Path.of(System.getProperty("sample.war", "sample-war/target/sample-war"));
        if (!Files.isDirectory(war.resolve("WEB-INF"))) {
            throw new IllegalStateException("no exploded WAR at " + war + ": run `mvn -pl sample-war -am -DskipTests package exec:java`");
        }
        Sandbox sandbox = null;
        if (System.getenv("NL3_API_BASE_URL") == null) {
            sandbox = Sandbox.builder().host(host).port(Integer.parseInt(env("SANDBOX_PORT", "8089"))).start();
            System.setProperty("nl3.signing-key", sandbox.signingKey());
            System.setProperty("nl3.app-uri", sandbox.issuer());
            System.setProperty("nl3.api-base-url", sandbox.baseUri().toString());
        }

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext(war.toString(), "/");
        HashLoginService login = new HashLoginService("ops-console");
        UserStore users = new UserStore();
        for (String user : List.of("alice", "bob", "carol")) {
            users.addUser(user, Credential.getCredential("pw"), new String[] {"user"});
        }
        login.setUserStore(users);
        webapp.getSecurityHandler().setLoginService(login);
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.start();

        String appUrl = "http://localhost:" + connector.getLocalPort() + "/";
        StringBuilder banner = new StringBuilder("\nOps Console sample running\n")
                .append("  application      : ").append(appUrl).append('\n');
        if (sandbox != null) {
            banner.append("  approver console : http://localhost:").append(sandbox.port()).append("/console   (sign in as bob)\n")
                    .append("  NL3 sandbox API  : ").append(sandbox.baseUri()).append('\n');
        } else {
            banner.append("  NL3 API          : ").append(System.getenv("NL3_API_BASE_URL")).append('\n');
        }
        banner.append("  demo users       : alice (requester), bob (approver), carol (locked); password: pw\n")
                .append("Press Ctrl-C to stop.\n");
        System.out.print(banner);
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Sandbox running = sandbox;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("stopping the server: " + e);
            }
            if (running != null) {
                running.close();
            }
            System.out.println("Stopped.");
            stopped.countDown();
        }, "sample-shutdown"));
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
