package dev.nl3jit.bootapps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter in an application with Spring Security: its {@code UsernameMapper} bean for every kind of protection, and
 * the warning when its own chain denies the pending path. Runs in its own failsafe execution (Spring Security on the
 * class path), on Spring Boot 3.5 here and on 4.0 in spring-boot-4-it.
 */
class SpringSecurityIT {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /** Held here: the JUL logger the library's System.Logger writes to (a logger only weakly held could be replaced). */
    private static final Logger SECURITY_LOG = Logger.getLogger("dev.nl3jit.boot.Nl3SecurityConfiguration");

    private static ConfigurableApplicationContext start(Sandbox sandbox, String... extra) {
        String expected = System.getProperty("expected.spring.boot", "3.5.");
        String running = SpringBootVersion.getVersion();
        if (running == null || !running.startsWith(expected)) {
            throw new IllegalStateException("expected Spring Boot " + expected + "x on the class path, found " + running);
        }
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--nl3.signing-key=" + sandbox.signingKey(),
                "--nl3.app-uri=" + sandbox.issuer(), "--nl3.api-base-url=" + sandbox.baseUri(),
                "--nl3.approval-key=ADMIN_ACCESS", "--nl3.boot.url-patterns=/admin/*"));
        args.addAll(List.of(extra));
        return SpringApplication.run(SecuredApp.class, args.toArray(new String[0]));
    }

    private static URI base(ConfigurableApplicationContext app) {
        return URI.create("http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (SecuredApp.PREFIX + "alice:pw").getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The subjects of the NL3 calls since the sandbox's log was last cleared; at least one call. */
    private static List<String> subjects(Sandbox sandbox) {
        List<Call> calls = sandbox.calls();
        assertFalse(calls.isEmpty(), "the protection called NL3");
        return calls.stream().map(Call::subject).distinct().toList();
    }

    @Test
    void theUsernameMapperBeanMapsTheAuthenticationForTheFilterTheServletAndTheControllerMethod() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (ConfigurableApplicationContext app = start(sandbox)) {
            URI base = base(app);

            HttpResponse<String> admin = get(base, "/admin/users");
            assertEquals(202, admin.statusCode(), "URL pattern filter: " + admin.body());
            assertEquals(List.of("alice"), subjects(sandbox), "URL pattern filter");
            ApprovalView request = sandbox.pendingRequests().get(0);
            assertEquals("alice", request.requester(), "the user NL3 sees for the URL pattern filter");

            sandbox.clearCalls();
            HttpResponse<String> export = get(base, "/exports/ledger");
            assertEquals(202, export.statusCode(), "annotated servlet: " + export.body());
            assertEquals(List.of("alice"), subjects(sandbox), "annotated servlet");

            sandbox.clearCalls();
            HttpResponse<String> report = get(base, "/api/report");
            assertEquals(202, report.statusCode(), "controller method: " + report.body());
            assertEquals(List.of("alice"), subjects(sandbox), "controller method");

            for (ApprovalView pending : sandbox.pendingRequests()) {
                assertEquals("alice", pending.requester(), pending.templateId());
            }
            // The grant is the mapped user's: approved, the same Authentication passes.
            sandbox.approve(request.requestId(), "bob");
            String status = admin.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> approved = get(base, status + "&wait=5");
            assertTrue(approved.body().contains("\"approvalStatus\":\"APPROVED\""), approved.body());
            HttpResponse<String> ok = get(base, "/admin/users");
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("ADMIN OK " + SecuredApp.PREFIX + "alice", ok.body());
        }
    }

    @Test
    void aChainThatDeniesThePendingPathIsLoggedOnceWithTheFix() throws Exception {
        List<LogRecord> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        SECURITY_LOG.addHandler(handler);
        try (ConfigurableApplicationContext app = start(nl3.sandbox(), "--app.deny-pending=true")) {
            URI base = base(app);
            assertEquals(403, get(base, "/nl3-approval/status?p=x").statusCode());
            assertEquals(403, get(base, "/nl3-approval?p=x").statusCode());
            assertEquals(403, get(base, "/nl3-approval/status?p=y").statusCode());
            synchronized (handler) {
                assertEquals(1, warnings.size(), "logged once, not per request: " + warnings);
                String message = new java.util.logging.SimpleFormatter().formatMessage(warnings.get(0));
                assertTrue(message.contains("Spring Security refused GET /nl3-approval/status with 403"), message);
                assertTrue(message.contains(".requestMatchers(\"/nl3-approval/**\").authenticated()"), message);
                assertTrue(message.contains("http.csrf(c -> c.ignoringRequestMatchers(\"/nl3-approval/**\"))"), message);
            }
        } finally {
            SECURITY_LOG.removeHandler(handler);
        }
    }

    @Test
    void noWarningWhenTheChainLetsThePendingPathThrough() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        SECURITY_LOG.addHandler(handler);
        try (ConfigurableApplicationContext app = start(nl3.sandbox())) {
            HttpResponse<String> unknown = get(base(app), "/nl3-approval/status?p=x");
            assertTrue(unknown.statusCode() != 403 && unknown.statusCode() < 500,
                    "the library answers for an unknown ticket: " + unknown.statusCode() + " " + unknown.body());
            synchronized (handler) {
                assertEquals(List.of(), records.stream().map(LogRecord::getMessage).toList());
            }
        } finally {
            SECURITY_LOG.removeHandler(handler);
        }
    }
}
