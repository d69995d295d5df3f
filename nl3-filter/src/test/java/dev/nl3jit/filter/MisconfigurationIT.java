package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Fault;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each misconfiguration as a developer and a user meet it: the exact log line, and the page or problem the user gets.
 * The README's table of misconfigurations is these cases.
 */
class MisconfigurationIT extends AppTestBase {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + new java.util.logging.SimpleFormatter().formatMessage(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    protected AppServer application() {
        return null;
    }

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("dev.nl3jit").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("dev.nl3jit").removeHandler(capture);
    }

    private AppServer adminApp(String... overrides) throws Exception {
        return AppServer.start(new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS", overrides),
                List.of("/admin/*", "/nl3-approval/*")));
    }

    private String line(String part) {
        return log.stream().filter(l -> l.contains(part)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with <" + part + "> in\n" + String.join("\n", log)));
    }

    @Test
    void aWrongSigningKeyIsNamedAsSuchAndUsersSeeACalmPage() throws Exception {
        String otherKey = Base64.getEncoder().encodeToString("another-application-key-32-bytes!".getBytes(StandardCharsets.UTF_8));
        app = adminApp("nl3.signing-key", otherKey);
        Client.Response browser = Client.as("alice").get(app.uri("/admin/users"));
        assertEquals(500, browser.status());
        assertTrue(browser.body().contains("This action cannot be approved right now"), browser.body());
        assertFalse(browser.body().contains("try again shortly"), "a misconfiguration is not an outage");
        Client.Response api = Client.as("alice").get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(500, api.status());
        assertEquals("urn:nl3:approval:misconfigured", api.json().get("type"));

        String error = line("NL3 refused the lock check");
        assertEquals("SEVERE NL3 refused the lock check for approval key ADMIN_ACCESS: NL3 answered HTTP 401 at "
                + sandbox.baseUri() + "/nl3/api/v1/accountProtectionCheck, NL3 says \"bad signature: the token was not signed with the application's decoded signing key\". Likely fix: the signing key "
                + "does not match NL3's key for issuer app.example.com (nl3.signing-key: the Base64 key of this application from "
                + "the NL3 portal). Users see a configuration error page.", error);
        assertEquals(1, log.stream().filter(l -> l.contains("NL3 refused")).count(), "logged once per cause");
        assertFalse(String.join("\n", log).contains(otherKey), "the key is never logged");
    }

    @Test
    void anUnknownTemplateIsNamedWithItsApprovalKey() throws Exception {
        app = adminApp("nl3.approval-key", "ADMIN_ACCES", "nl3.lock-check", "false");
        Client.Response browser = Client.as("alice").get(app.uri("/admin/users"));
        assertEquals(500, browser.status());
        assertEquals("SEVERE NL3 refused the approval request for approval key ADMIN_ACCES: NL3 answered HTTP 400 at "
                + sandbox.baseUri() + "/nl3/api/v1/approvalRequest, NL3 says \"unknown templateId: ADMIN_ACCES\". Likely fix: NL3 "
                + "has no template with Approval Key ADMIN_ACCES: use the Approval Key shown in the NL3 portal "
                + "(nl3.approval-key or the annotation's value). Users see a configuration error page.",
                line("NL3 refused the approval request"));
    }

    @Test
    void aShortKeyIsAcceptedWithAWarning() throws Exception {
        app = adminApp("nl3.signing-key", Base64.getEncoder().encodeToString("short".getBytes(StandardCharsets.UTF_8)));
        assertTrue(line("HS256 keys should be").startsWith("WARNING The NL3 signing key is 5 bytes; HS256 keys should be at least 32 bytes."), line("HS256 keys should be"));
        assertEquals(500, Client.as("alice").get(app.uri("/admin/users")).status(), "and NL3 refuses it: a wrong key");
    }

    @Test
    void anUnreachableNl3IsAnOutageTheUserMayRetry() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        app = adminApp("nl3.api-base-url", "http://127.0.0.1:" + closed);
        Client.Response browser = Client.as("alice").get(app.uri("/admin/users"));
        assertEquals(503, browser.status());
        assertTrue(browser.body().contains("cannot be reached right now"), browser.body());
        assertEquals("10", browser.header("Retry-After"));
        assertEquals("WARNING NL3 lock check failed (CONNECTION: cannot connect: ConnectException at http://127.0.0.1:" + closed
                + "/nl3/api/v1/accountProtectionCheck); refusing alice (nl3.lock-check-failure: closed)",
                line("NL3 lock check failed"));
        assertFalse(String.join("\n", log).contains("eyJ"), "no token is logged");
        for (int i = 0; i < 5; i++) {
            Client.as("alice").get(app.uri("/admin/users"));
        }
        assertEquals(1, log.stream().filter(l -> l.contains("NL3 lock check failed")).count(), "one warning per cause");
    }

    /** NL3's refusal names the user; the log keys on the kind of refusal, so two hundred unknown users are one line. */
    @Test
    void twoHundredUnknownUsersAreOneCauseInTheLog() throws Exception {
        List<CheckResult.Outcome> outcomes = new ArrayList<>();
        try (Nl3Approvals approvals = Nl3Approvals.builder(Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS")))
                .clock(CLOCK).build()) {
            for (int i = 0; i < 200; i++) {
                outcomes.add(approvals.check(Caller.user("ghost" + i), approvals.protection("ADMIN_ACCESS")).outcome());
            }
        }
        assertTrue(outcomes.stream().allMatch(o -> o == CheckResult.Outcome.UNAVAILABLE), outcomes.toString());
        List<String> refused = log.stream().filter(l -> !l.startsWith("INFO")).toList();
        assertEquals(1, refused.size(), "one line for one cause:\n" + String.join("\n", refused));
        assertTrue(refused.get(0).startsWith("SEVERE NL3 refused the approval request for approval key ADMIN_ACCESS: NL3 answered "
                + "HTTP 400"), refused.get(0));
        assertTrue(refused.get(0).contains("Likely fix: NL3 does not know user ghost0"), refused.get(0));
    }

    @Test
    void unknownInitParamsAndContextParamsFailTheDeployment(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String webXml = WarServer.contextParams(sandbox, "nl3.aproval-key", "ADMIN_ACCESS") + """
                  <filter>
                    <filter-name>nl3-admin</filter-name>
                    <filter-class>dev.nl3jit.filter.Nl3ApprovalFilter</filter-class>
                    <init-param><param-name>nl3.approval-key</param-name><param-value>ADMIN_ACCESS</param-value></init-param>
                    <init-param><param-name>nl3.grant-scop</param-name><param-value>request</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>nl3-admin</filter-name><url-pattern>/admin/*</url-pattern>
                    <url-pattern>/nl3-approval/*</url-pattern></filter-mapping>
                """;
        Exception e = assertThrows(Exception.class, () -> {
            try (WarServer war = WarServer.deploy(dir, webXml)) {
                assertFalse(war.uri("/").toString().isEmpty());
            }
        });
        String message = DeploymentIT.messageChain(e);
        assertTrue(message.contains("nl3.grant-scop (init-param of filter nl3-admin): unknown setting; did you mean "
                + "nl3.grant-scope?"), message);
        assertTrue(message.contains("nl3.aproval-key (context-param): unknown setting; did you mean nl3.approval-key?"), message);
    }

    @Test
    void anUnknownSystemPropertyFailsTheDeployment() {
        System.setProperty("nl3.grant-duraton", "5m");
        System.setProperty("nl3.signing-key", sandbox.signingKey());
        System.setProperty("nl3.app-uri", sandbox.issuer());
        System.setProperty("nl3.approval-key", "ADMIN_ACCESS");
        try {
            Exception e = assertThrows(Exception.class, () -> {
                try (AppServer a = AppServer.start(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(),
                        List.of("/admin/*", "/nl3-approval/*")))) {
                    assertFalse(a.isStarted());
                }
            });
            String message = DeploymentIT.messageChain(e);
            assertTrue(message.contains("nl3.grant-duraton (system property): unknown setting; did you mean nl3.grant-duration?"),
                    message);
        } finally {
            for (String name : List.of("nl3.grant-duraton", "nl3.signing-key", "nl3.app-uri", "nl3.approval-key")) {
                System.clearProperty(name);
            }
        }
    }

    @Test
    void anUnknownEnvironmentVariableFailsTheSettings() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SettingsCheck.class.getName());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("NL3_"));
        env.put("NL3_SIGNING_KEY", sandbox.signingKey());
        env.put("NL3_APP_URI", "app.example.com");
        env.put("NL3_APROVAL_KEY", "ADMIN_ACCESS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("NL3_APROVAL_KEY (environment variable): unknown setting; did you mean NL3_APPROVAL_KEY?"), out);
        assertFalse(out.contains(sandbox.signingKey()), out);
    }

    @Test
    void aStatusFieldUnderAnotherNameIsRead() throws Exception {
        app = adminApp();
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        String id = sandbox.pendingRequests().get(0).requestId();
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/" + id).withStatus(200)
                .withBody("{\"approvalStatus\":\"Approved\",\"decidedBy\":\"bob\"}"));
        Client.Response status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=2"),
                "Accept", "application/json");
        assertEquals("APPROVED", status.json().get("approvalStatus"), status.body());
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
    }

    @Test
    void aStatusTheClientCannotReadIsAFailureNeverPending() throws Exception {
        app = adminApp("nl3.poll-interval", "200ms");
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        String id = sandbox.pendingRequests().get(0).requestId();
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/" + id).withStatus(200).withBody("{\"result\":\"ok\",\"id\":\"" + id
                + "\"}"));
        Client.Response status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=1"),
                "Accept", "application/json");
        assertEquals(Boolean.TRUE, status.json().get("unavailable"), "the page says the service is not answering: "
                + status.body());
        assertTrue(alice.get(app.uri(location.substring(4))).body().contains("Still trying to reach the approval service"));
        assertEquals(503, alice.get(app.uri("/admin/users")).status(), "the closed failure policy, not a silent wait");
        assertEquals("WARNING NL3 status check failed (UNREADABLE: no status field (status, approvalStatus, requestStatus, "
                + "state); fields: [id, result]); the pending pages say so and keep trying", line("NL3 status check failed"));

        sandbox.clearFaults();
        sandbox.approve(id, "bob");
        CLOCK.advance(java.time.Duration.ofSeconds(1));
        Client.Response recovered = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=2"),
                "Accept", "application/json");
        assertEquals("APPROVED", recovered.json().get("approvalStatus"), "recovers by itself: " + recovered.body());
        assertEquals(Boolean.FALSE, recovered.json().get("unavailable"));
    }
}
