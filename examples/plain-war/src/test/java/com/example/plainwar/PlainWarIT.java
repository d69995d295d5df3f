package com.example.plainwar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAR this project packages, on a real Tomcat 10.1 (embedded, on a free port of 127.0.0.1), against the NL3
 * sandbox (a real HTTP server on a free port): a user asks, an approver approves over the sandbox's admin API, the
 * user gets in. The same walk a person takes in two browser windows.
 */
class PlainWarIT {
    /** NL3, emulated: the demo seed (users alice and bob, templates ADMIN_ACCESS and PAYMENT_APPROVAL). */
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    /** What a server gives the application; here system properties, on a server often NL3_* environment variables. */
    private static final List<String> SETTINGS = List.of("nl3.signing-key", "nl3.app-uri", "nl3.api-base-url");

    private static Tomcat tomcat;
    private static URI app;

    @BeforeAll
    static void deploy(@TempDir Path base) throws Exception {
        Sandbox sandbox = nl3.sandbox();
        System.setProperty("nl3.signing-key", sandbox.signingKey());
        System.setProperty("nl3.app-uri", sandbox.issuer());
        System.setProperty("nl3.api-base-url", sandbox.baseUri().toString());

        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        // Demo users for this test only: the WAR holds none (on a server they are in its realm, conf/tomcat-users.xml).
        for (String user : List.of("alice", "bob")) {
            tomcat.addUser(user, "pw");
            tomcat.addRole(user, "user");
        }
        Path war = Files.createDirectories(base.resolve("webapps")).resolve("plain-war.war");
        Files.copy(Path.of(System.getProperty("example.war", "target/plain-war.war")), war);
        // Tomcat's defaults for a web application, minus the JSP engine (not on this class path; the WAR has no JSP).
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("/plain-war", war.toString());
        Wrapper files = Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        files.setLoadOnStartup(1);
        context.addServletMappingDecoded("/", "default");
        context.addWelcomeFile("index.html");
        context.addMimeMapping("html", "text/html");
        // As on a server: the application is its WAR; the test's class path is not Tomcat's to scan.
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        tomcat.start();
        assertEquals(LifecycleState.STARTED, context.getState(), "the WAR did not start (its NL3 settings are checked at startup)");
        app = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/plain-war/");
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        SETTINGS.forEach(System::clearProperty);
    }

    @Test
    void theHomePageIsPublicAndTheAdminAreaAsksForASignInFirst() {
        Browser anonymous = new Browser(null);
        HttpResponse<String> home = anonymous.get("");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("action=\"payments/transfer\""), home.body());
        HttpResponse<String> admin = anonymous.get("admin/");
        assertEquals(401, admin.statusCode());
        assertTrue(admin.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), admin.headers().toString());
        assertEquals(List.of(), nl3.sandbox().calls(), "NL3 was called for a user nobody signed in");
    }

    /** web.xml maps Nl3ApprovalFilter on /admin/*: the first visit waits for an approval, the approval lets it in. */
    @Test
    void theAdminAreaOpensOnceAnApproverApproves() throws Exception {
        Browser alice = new Browser("alice");
        HttpResponse<String> first = alice.get("admin/");
        assertEquals(303, first.statusCode(), first.body());
        String pending = first.headers().firstValue("Location").orElseThrow();
        assertTrue(pending.contains("/plain-war/nl3-approval?p="), pending);
        HttpResponse<String> page = alice.get(pending);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Approval required"), page.body());

        ApprovalView request = onlyPending("ADMIN_ACCESS");
        assertEquals("alice", request.requester());
        assertEquals("the admin area", request.metaData().get("resource"), "the init-param nl3.metadata");
        assertEquals(303, alice.get("admin/").statusCode(), "still waiting: no approval yet");

        assertEquals(200, approve(request, "{\"approver\":\"bob\"}").statusCode());
        assertTrue(status(alice, pending).contains("\"approvalStatus\":\"APPROVED\""));
        HttpResponse<String> proceed = alice.get("nl3-approval/continue?p=" + ticket(pending));
        assertEquals(303, proceed.statusCode(), proceed.body());
        assertTrue(proceed.headers().firstValue("Location").orElseThrow().endsWith("/plain-war/admin/"), proceed.headers().toString());

        int calls = nl3.sandbox().calls().size();
        HttpResponse<String> admin = alice.get("admin/");
        assertEquals(200, admin.statusCode(), admin.body());
        assertTrue(admin.body().contains("Welcome to the admin area, alice"), admin.body());
        assertEquals(calls, nl3.sandbox().calls().size(), "a live grant needs no NL3 call");
    }

    /** @RequiresApproval on TransferServlet: a POST is kept, approved with a signature, and sent once by Send now. */
    @Test
    void theAnnotatedServletSendsTheTransferTheApproverSigned() throws Exception {
        Browser alice = new Browser("alice");
        String form = form("amount", "EUR 1,200.00", "recipient", "ACME Supplies Ltd");
        HttpResponse<String> first = alice.post("payments/transfer", form);
        assertEquals(303, first.statusCode(), first.body());
        String pending = first.headers().firstValue("Location").orElseThrow();
        assertTrue(pending.contains("/plain-war/nl3-approval?p="), pending);

        ApprovalView request = onlyPending("PAYMENT_APPROVAL");
        assertEquals("alice", request.requester());
        assertEquals("EUR 1,200.00", request.metaData().get("amount"));
        assertEquals("ACME Supplies Ltd", request.metaData().get("recipient"));
        assertEquals(400, approve(request, "{\"approver\":\"bob\"}").statusCode(), "Sign and Approve needs a signature");
        assertEquals(200, approve(request, "{\"approver\":\"bob\",\"signature\":\"Bob Builder\"}").statusCode());
        assertTrue(status(alice, pending).contains("\"sendNow\":true"));

        // Send now, as the pending page's button: the kept POST is sent, once.
        String page = alice.get(pending).body();
        Matcher token = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(token.find(), page);
        String click = form("p", ticket(pending), "token", token.group(1));
        HttpResponse<String> sent = alice.post("nl3-approval/send", click);
        assertEquals(200, sent.statusCode(), sent.body());
        assertTrue(sent.body().contains("Transferred EUR 1,200.00 to ACME Supplies Ltd."), sent.body());
        assertEquals(409, alice.post("nl3-approval/send", click).statusCode(), "sent once");
        assertEquals(303, alice.post("payments/transfer", form).statusCode(), "the signed approval was good for one transfer");
    }

    private static ApprovalView onlyPending(String templateId) {
        List<ApprovalView> pending = nl3.sandbox().pendingRequests();
        assertEquals(1, pending.size(), pending.toString());
        assertEquals(templateId, pending.get(0).templateId());
        return pending.get(0);
    }

    /** The approver's click, over the sandbox's admin API (HTTP), as the console sends it. */
    private static HttpResponse<String> approve(ApprovalView request, String json) throws Exception {
        URI uri = nl3.sandbox().baseUri().resolve("/sandbox/api/requests/" + request.requestId() + "/approve");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The pending page's long poll: answers as soon as the status changes. */
    private static String status(Browser user, String pending) {
        HttpResponse<String> r = user.get("nl3-approval/status?p=" + ticket(pending) + "&wait=5", "Accept", "application/json");
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String ticket(String pendingLocation) {
        return pendingLocation.substring(pendingLocation.indexOf("p=") + 2);
    }

    private static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** A client that keeps cookies, follows no redirect, and signs in with BASIC (password "pw") on every request. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        private final String authorization;

        Browser(String user) {
            this.authorization = user == null ? null
                    : "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
        }

        HttpResponse<String> get(String path, String... headers) {
            return send(HttpRequest.newBuilder(app.resolve(path)).GET(), headers);
        }

        HttpResponse<String> post(String path, String form) {
            return send(HttpRequest.newBuilder(app.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(form)),
                    "Content-Type", "application/x-www-form-urlencoded");
        }

        private HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            try {
                return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
