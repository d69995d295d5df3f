package dev.nl3jit.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.bootapps.BadAnnotationApp;
import dev.nl3jit.bootapps.PlainApp;
import dev.nl3jit.sandbox.Call;
import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application adopts the filter with a few properties; the approval walk on a free port; what stops the
 * start (an unknown setting, a bad annotation value); the health contributor {@code nl3} over HTTP, with the sandbox
 * answering, out (503) and refusing the signing key. No Spring Security on this class path (see SpringSecurityIT).
 * Runs on Spring Boot 3.5 here, and on Spring Boot 4.0 in module spring-boot-4-it (the same starter jar).
 */
class SpringBootIT {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static ConfigurableApplicationContext start(Sandbox sandbox, String... extra) {
        List<String> args = new ArrayList<>(List.of("--nl3.approval-key=ADMIN_ACCESS", "--nl3.boot.url-patterns=/admin/*"));
        args.addAll(List.of(extra));
        return start(DemoApp.class, sandbox, args.toArray(new String[0]));
    }

    /** Starts {@code app} on a free port against the sandbox; {@code extra} ({@code --name=value}) replace same names. */
    private static ConfigurableApplicationContext start(Class<?> app, Sandbox sandbox, String... extra) {
        // Each module names the Boot line it must run on: a class path mix-up fails loudly.
        String expected = System.getProperty("expected.spring.boot", "3.5.");
        String running = org.springframework.boot.SpringBootVersion.getVersion();
        if (running == null || !running.startsWith(expected)) {
            throw new IllegalStateException("expected Spring Boot " + expected + "x on the class path, found " + running);
        }
        Map<String, String> args = new LinkedHashMap<>();
        args.put("server.port", "0");
        args.put("nl3.signing-key", sandbox.signingKey());
        args.put("nl3.app-uri", sandbox.issuer());
        args.put("nl3.api-base-url", sandbox.baseUri().toString());
        for (String arg : extra) {
            int eq = arg.indexOf('=');
            args.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return SpringApplication.run(app, args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
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
        String chain = messages(e);
        assertTrue(chain.contains("nl3.aproval-key (Spring environment): unknown setting; did you mean nl3.approval-key?"),
                chain.toString());
    }

    private static String messages(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        return chain.toString();
    }

    @Test
    void aBadRequiresApprovalValueOnAControllerMethodStopsTheApplication() {
        Exception e = assertThrows(Exception.class, () -> start(BadAnnotationApp.class, nl3.sandbox()).close());
        String chain = messages(e);
        assertTrue(chain.contains("@RequiresApproval on dev.nl3jit.bootapps.BadAnnotationApp$Refunds#refund"), chain);
        assertTrue(chain.contains("forever"), "names the bad value: " + chain);
    }

    private static final String SHOW_DETAILS = "--management.endpoint.health.show-details=always";

    /** The {@code nl3} health contributor over HTTP: the status code and the body. */
    private static HttpResponse<String> health(URI base) throws Exception {
        return send("alice", HttpRequest.newBuilder(base.resolve("/actuator/health/nl3")));
    }

    @Test
    void healthIsUnknownWhileNoEngineHasStarted() throws Exception {
        try (ConfigurableApplicationContext app = start(PlainApp.class, nl3.sandbox(), SHOW_DETAILS)) {
            URI base = URI.create("http://127.0.0.1:" + port(app));
            assertEquals("HELLO", send("alice", HttpRequest.newBuilder(base.resolve("/hello"))).body());
            HttpResponse<String> health = health(base);
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UNKNOWN\""), health.body());
            assertTrue(health.body().contains("\"engines\":0"), health.body());
        }
    }

    @Test
    void healthIsOutOfServiceDuringAnOutageAndUpAfterIt() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (ConfigurableApplicationContext app = start(sandbox, SHOW_DETAILS)) {
            URI base = URI.create("http://127.0.0.1:" + port(app));
            HttpResponse<String> before = health(base);
            assertEquals(200, before.statusCode(), before.body());
            assertTrue(before.body().contains("\"status\":\"UP\""), before.body());
            assertTrue(before.body().contains("\"nl3\":\"NO_CALLS\""), before.body());

            sandbox.fault(Fault.on("/").withStatus(503));
            HttpResponse<String> refused = send("alice", HttpRequest.newBuilder(base.resolve("/admin/users")));
            assertNotEquals(200, refused.statusCode(), "no approval while NL3 is out: " + refused.body());
            assertEquals(List.of(503), sandbox.calls().stream().map(Call::status).distinct().toList(), "NL3 was out");
            HttpResponse<String> out = health(base);
            assertEquals(503, out.statusCode(), out.body());
            assertTrue(out.body().contains("\"status\":\"OUT_OF_SERVICE\""), out.body());
            assertTrue(out.body().contains("\"nl3\":\"UNAVAILABLE\""), out.body());

            sandbox.clearFaults();
            HttpResponse<String> asked = send("alice", HttpRequest.newBuilder(base.resolve("/admin/users")));
            assertEquals(303, asked.statusCode(), "NL3 answers again: " + asked.body());
            HttpResponse<String> after = health(base);
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(after.body().contains("\"status\":\"UP\""), after.body());
            assertTrue(after.body().contains("\"nl3\":\"ANSWERING\""), after.body());
        }
    }

    @Test
    void healthIsDownWhenNl3RefusesTheSigningKey() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        // A well-formed key of the same length that NL3 does not know.
        byte[] key = Base64.getDecoder().decode(sandbox.signingKey());
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) ~key[i];
        }
        try (ConfigurableApplicationContext app = start(sandbox, SHOW_DETAILS,
                "--nl3.signing-key=" + Base64.getEncoder().encodeToString(key))) {
            URI base = URI.create("http://127.0.0.1:" + port(app));
            HttpResponse<String> refused = send("alice", HttpRequest.newBuilder(base.resolve("/admin/users")));
            assertNotEquals(200, refused.statusCode(), refused.body());
            assertEquals(List.of(401), sandbox.calls().stream().map(Call::status).distinct().toList(),
                    "NL3 refused the token");
            HttpResponse<String> down = health(base);
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("\"status\":\"DOWN\""), down.body());
            assertTrue(down.body().contains("\"nl3\":\"MISCONFIGURED\""), down.body());
        }
    }
}
