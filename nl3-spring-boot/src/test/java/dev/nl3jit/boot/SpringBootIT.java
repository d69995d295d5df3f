package dev.nl3jit.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application adopts the filter with a few properties; the approval walk on a free port. Runs on Spring
 * Boot 3.5 here, and on Spring Boot 4.0 in module spring-boot-4-it (the same starter jar).
 */
class SpringBootIT {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static ConfigurableApplicationContext start(Sandbox sandbox, String... extra) {
        // Each module names the Boot line it must run on: a class path mix-up fails loudly.
        String expected = System.getProperty("expected.spring.boot", "3.5.");
        String running = org.springframework.boot.SpringBootVersion.getVersion();
        if (running == null || !running.startsWith(expected)) {
            throw new IllegalStateException("expected Spring Boot " + expected + "x on the class path, found " + running);
        }
        String[] args = new String[6 + extra.length];
        args[0] = "--server.port=0";
        args[1] = "--nl3.signing-key=" + sandbox.signingKey();
        args[2] = "--nl3.app-uri=" + sandbox.issuer();
        args[3] = "--nl3.api-base-url=" + sandbox.baseUri();
        args[4] = "--nl3.approval-key=ADMIN_ACCESS";
        args[5] = "--nl3.boot.url-patterns=/admin/*";
        System.arraycopy(extra, 0, args, 6, extra.length);
        return SpringApplication.run(DemoApp.class, args);
    }

    /** The port the embedded server bound ({@code server.port=0}), the same way on Boot 3 and Boot 4. */
    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private static HttpResponse<String> send(String user, HttpRequest.Builder b) throws Exception {
        b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8)));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void propertiesProtectAControllerAndAnAnnotatedServlet() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (ConfigurableApplicationContext app = start(sandbox)) {
            int port = port(app);
            URI base = URI.create("http://127.0.0.1:" + port);

            HttpResponse<String> first = send("alice", HttpRequest.newBuilder(base.resolve("/admin/users")));
            assertEquals(303, first.statusCode(), first.body());
            String location = first.headers().firstValue("Location").orElseThrow();
            assertTrue(location.startsWith("/nl3-approval?p="), location);
            assertEquals(200, send("alice", HttpRequest.newBuilder(base.resolve(location))).statusCode(), "pending page served");
            sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
            HttpResponse<String> status = send("alice", HttpRequest.newBuilder(base.resolve(
                    location.replace("/nl3-approval?", "/nl3-approval/status?") + "&wait=5")).header("Accept", "application/json"));
            assertTrue(status.body().contains("\"approvalStatus\":\"APPROVED\""), status.body());
            HttpResponse<String> ok = send("alice", HttpRequest.newBuilder(base.resolve("/admin/users")));
            assertEquals(200, ok.statusCode());
            assertEquals("ADMIN OK alice", ok.body());

            HttpResponse<String> transfer = send("alice", HttpRequest.newBuilder(base.resolve("/payments/transfer"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("amount=EUR+1200&recipient=ACME")));
            assertEquals(303, transfer.statusCode(), "the annotated servlet is protected: " + transfer.body());
            assertEquals("EUR 1200", sandbox.pendingRequests().get(0).metaData().get("amount"));
        }
    }

    @Test
    void aControllerMethodIsBoundToItsPathVariableAndParameterAndUsedOnce() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (ConfigurableApplicationContext app = start(sandbox)) {
            URI base = URI.create("http://127.0.0.1:" + port(app));
            HttpResponse<String> first = pay(base, "ACME", "EUR+5");
            assertEquals(202, first.statusCode(), "an API client waits: " + first.body());
            assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            var request = sandbox.pendingRequests().get(0);
            assertEquals("EUR 5", request.metaData().get("amount"), "the request parameter is bound");
            assertEquals("ACME", request.metaData().get("recipient"), "the path variable is bound");
            sandbox.approve(request.requestId(), "bob", null, "Bob Builder");
            String status = first.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> approved = send("alice", HttpRequest.newBuilder(base.resolve(status + "&wait=5"))
                    .header("Accept", "application/json"));
            assertTrue(approved.body().contains("\"approvalStatus\":\"APPROVED\""), approved.body());

            assertEquals(202, pay(base, "OTHER", "EUR+5").statusCode(), "another recipient is not covered");
            HttpResponse<String> paid = pay(base, "ACME", "EUR+5");
            assertEquals(200, paid.statusCode(), paid.body());
            assertEquals("PAID EUR 5 to ACME", paid.body());
            assertEquals(202, pay(base, "ACME", "EUR+5").statusCode(), "Sign and Approve: one approval, one use");
        }
    }

    private static HttpResponse<String> pay(URI base, String recipient, String amount) throws Exception {
        return send("alice", HttpRequest.newBuilder(base.resolve("/api/payments/" + recipient + "?amount=" + amount))
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void anUnknownSettingStopsTheApplication() {
        Exception e = assertThrows(Exception.class, () -> start(nl3.sandbox(), "--nl3.aproval-key=X").close());
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("nl3.aproval-key (Spring environment): unknown setting; did you mean nl3.approval-key?"),
                chain.toString());
    }
}
