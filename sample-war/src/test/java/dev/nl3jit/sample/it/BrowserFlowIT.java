package dev.nl3jit.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * alice in one browser, bob in another (the sandbox's approver console): the pending page moves on by
 * itself the moment bob approves. Screenshots go to target/screenshots; the approval latency (bob's click
 * to alice seeing the admin page) is measured over several runs and written to target/approval-latency.txt.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserFlowIT {
    private static final int RUNS = 5;
    private static Sandbox sandbox;

    @ArquillianResource
    URL url;

    private String app;
    private WebDriver alice;
    private WebDriver bob;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // Short grants, so each measured run needs a fresh approval.
        sandbox = Deployments.startSandbox("3s");
        return Deployments.packagedWar();
    }

    @AfterAll
    static void stop() {
        Deployments.stop(sandbox);
    }

    @BeforeEach
    void browsers() {
        app = "http://localhost:" + url.getPort() + (url.getPath().endsWith("/") ? url.getPath() : url.getPath() + "/");
        alice = Browsers.start();
        bob = Browsers.start();
    }

    @AfterEach
    void quit() {
        if (alice != null) {
            alice.quit();
        }
        if (bob != null) {
            bob.quit();
        }
    }

    private static WebDriverWait waitOn(WebDriver driver, long seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private void signIn(WebDriver driver, String user, String page) {
        driver.get(app + page);
        waitOn(driver, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys("pw");
        driver.findElement(By.id("signin")).click();
    }

    private void openConsoleAsBob() {
        bob.get(sandbox.consoleUri().toString().replace("127.0.0.1", "localhost"));
        new Select(bob.findElement(By.id("as-user"))).selectByValue("bob");
        bob.findElement(By.id("as-submit")).click();
        waitOn(bob, 10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("as-user"), "bob"));
    }

    /** Waits until the console lists a pending request (it refreshes by itself) and returns its card. */
    private WebElement pendingCard() {
        return waitOn(bob, 15).until(d -> {
            List<WebElement> cards = d.findElements(By.cssSelector("article.req"));
            return cards.isEmpty() ? null : cards.get(0);
        });
    }

    private void clickInCard(String buttonClass) {
        waitOn(bob, 10).until(d -> {
            d.findElement(By.cssSelector("article.req button." + buttonClass)).click();
            return true;
        });
    }

    @Test
    void adminPageMovesOnByItselfWhenBobApproves() throws Exception {
        openConsoleAsBob();
        List<Long> latencies = new ArrayList<>();
        signIn(alice, "alice", "admin/users");
        for (int run = 1; run <= RUNS; run++) {
            if (run > 1) {
                // Let the 3 s grant lapse, then ask again.
                Thread.sleep(3300);
                alice.get(app + "admin/users");
            }
            waitOn(alice, 15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("msg"), "Waiting for approval"));
            assertTrue(alice.findElement(By.id("kind")).getText().equals("approve"));
            if (run == 1) {
                Browsers.screenshot(alice, "01-alice-pending");
            }
            WebElement card = pendingCard();
            assertTrue(card.getText().contains("alice"), card.getText());
            if (run == 1) {
                Browsers.screenshot(bob, "02-bob-console");
            }
            String before = alice.getCurrentUrl();
            long clicked = System.nanoTime();
            clickInCard("approve");
            waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("admin-content")));
            long shown = System.nanoTime();
            latencies.add((shown - clicked) / 1_000_000);
            assertTrue(before.contains("/nl3-approval?p="), "alice was on the pending page: " + before);
            assertTrue(alice.getCurrentUrl().endsWith("/admin/users"), alice.getCurrentUrl());
            if (run == 1) {
                Browsers.screenshot(alice, "03-alice-admin-after-approval");
            }
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long median = sorted.get(sorted.size() / 2);
        String report = "approval latency (bob's click -> alice sees the admin page), " + RUNS + " runs, ms: " + latencies
                + ", median " + median + " ms\n";
        System.out.print(report);
        Files.writeString(Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolveSibling("approval-latency.txt"),
                report);
        assertEquals(RUNS, latencies.size());
    }

    @Test
    void paymentIsSignedThenSentWithOneClickAndATamperedAmountNeedsANewApproval() {
        openConsoleAsBob();
        signIn(alice, "alice", "payments");
        waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("send"))).click();
        waitOn(alice, 15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("kind"), "sign and approve"));
        assertTrue(alice.findElement(By.id("post-note")).getText().contains("It is kept here"));
        assertTrue(alice.findElement(By.id("values")).getText().contains("EUR 1,200.00"));
        Browsers.screenshot(alice, "04-alice-payment-pending");

        WebElement card = pendingCard();
        assertTrue(card.getText().contains("Payment of EUR 1,200.00 to ACME Supplies Ltd"), card.getText());
        clickInCard("approve");
        waitOn(bob, 10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".flash.err")));
        assertTrue(bob.findElement(By.cssSelector(".flash.err")).getText().contains("signature is required"));
        Browsers.screenshot(bob, "05-bob-signature-required");
        waitOn(bob, 10).until(d -> {
            d.findElement(By.cssSelector("article.req input.signature")).sendKeys("Bob Approver");
            return true;
        });
        Browsers.screenshot(bob, "06-bob-signing");
        clickInCard("approve");

        // alice's page moves on by itself to the approved request, ready to send exactly as it was made.
        waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("send-now")));
        assertTrue(alice.findElement(By.id("title")).getText().contains("Approved"));
        assertTrue(alice.findElement(By.id("values")).getText().contains("ACME Supplies Ltd"));
        Browsers.screenshot(alice, "07-alice-payment-approved-send-now");
        alice.findElement(By.id("send-now")).click();
        waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("transfer-done")));
        assertTrue(alice.findElement(By.id("transfer-done")).getText().contains("EUR 1,200.00"));
        assertTrue(alice.findElement(By.id("transfer-done")).getText().contains("ACME Supplies Ltd"));
        Browsers.screenshot(alice, "08-alice-transfer-done");

        // The same form with another amount is another approval, never covered by the first.
        alice.get(app + "payments");
        WebElement amount = waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("amount")));
        amount.clear();
        amount.sendKeys("EUR 999,999.00");
        Browsers.screenshot(alice, "09-alice-tampered-amount");
        alice.findElement(By.id("send")).click();
        waitOn(alice, 15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("kind"), "sign and approve"));
        assertTrue(alice.findElement(By.id("values")).getText().contains("EUR 999,999.00"));
        Browsers.screenshot(alice, "10-alice-tampered-amount-needs-approval");
        WebElement second = waitOn(bob, 15).until(d -> d.findElements(By.cssSelector("article.req")).stream()
                .filter(c -> c.getText().contains("EUR 999,999.00")).findFirst().orElse(null));
        assertTrue(second.getText().contains("Payment of EUR 999,999.00 to ACME Supplies Ltd"), second.getText());
        Browsers.screenshot(bob, "11-bob-sees-the-new-amount");
        waitOn(bob, 10).until(d -> {
            d.findElement(By.cssSelector("article.req input.comment")).sendKeys("Not the amount we agreed");
            return true;
        });
        clickInCard("reject");
        waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("comment")));
        assertEquals("Not the amount we agreed", alice.findElement(By.id("comment")).getText());
    }

    /**
     * A page of another origin on the same site (localhost, another port: bob's SameSite=Strict console cookie goes
     * along) that even knows the console's anti-forgery token auto-submits an approval in bob's browser: the console
     * refuses it (Chromium sends Origin and Sec-Fetch-Site) and the request stays pending; the console's own form, in
     * the same browser, still decides.
     */
    @Test
    void aPageOfAnotherOriginCannotMakeBobApprove() throws Exception {
        openConsoleAsBob();
        WebClient client = new WebClient(URI.create(app)).login("alice");
        HttpResponse<String> asked = client.post("payments/transfer",
                WebClient.form("csrf", client.csrf("payments"), "amount", "EUR 7.00", "recipient", "Other Origin Ltd"));
        assertEquals(303, asked.statusCode(), asked.body());
        ApprovalView request = sandbox.pendingRequests().stream().filter(r -> "EUR 7.00".equals(r.metaData().get("amount")))
                .findFirst().orElseThrow();
        pendingCard();
        String token = bob.findElement(By.name("csrf")).getAttribute("value");
        String console = sandbox.consoleUri().toString().replace("127.0.0.1", "localhost");
        String attack = "<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\"" + console + "/requests/"
                + request.requestId() + "/decide\"><input name=\"csrf\" value=\"" + token + "\">"
                + "<input name=\"decision\" value=\"approve\"><input name=\"signature\" value=\"Bob\">"
                + "<input name=\"comment\" value=\"forged\"></form><script>document.getElementById('f').submit()</script>"
                + "</body></html>";
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", x -> {
            byte[] body = attack.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        elsewhere.start();
        try {
            bob.get("http://localhost:" + elsewhere.getAddress().getPort() + "/");
            // The form sends itself: either the console's refusal or, were it accepted, the console again.
            waitOn(bob, 10).until(d -> d.getPageSource().contains("cross_origin") || d.getCurrentUrl().contains("/console?"));
        } finally {
            elsewhere.stop(0);
        }
        assertEquals("PENDING", sandbox.request(request.requestId()).status(), "a page elsewhere made bob approve");
        assertTrue(bob.getCurrentUrl().endsWith("/decide") && bob.getPageSource().contains("cross_origin"), bob.getPageSource());

        bob.get(console);
        waitOn(bob, 15).until(d -> {
            card(d, "EUR 7.00").findElement(By.cssSelector("input.signature")).sendKeys("Bob Approver");
            return true;
        });
        waitOn(bob, 10).until(d -> {
            card(d, "EUR 7.00").findElement(By.cssSelector("button.approve")).click();
            return true;
        });
        waitOn(bob, 10).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash.ok"), "approved"));
        assertEquals("APPROVED", sandbox.request(request.requestId()).status());
    }

    private static WebElement card(WebDriver d, String text) {
        return d.findElements(By.cssSelector("article.req")).stream().filter(c -> c.getText().contains(text)).findFirst()
                .orElseThrow(() -> new org.openqa.selenium.NoSuchElementException("no pending card with " + text));
    }

    @Test
    void rejectionShowsBobsComment() throws Exception {
        openConsoleAsBob();
        Thread.sleep(3300);
        signIn(alice, "alice", "admin/users");
        waitOn(alice, 15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("msg"), "Waiting for approval"));
        pendingCard();
        waitOn(bob, 10).until(d -> {
            d.findElement(By.cssSelector("article.req input.comment")).sendKeys("Not during the change freeze");
            return true;
        });
        clickInCard("reject");
        waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("comment")));
        assertEquals("Not during the change freeze", alice.findElement(By.id("comment")).getText());
        assertTrue(alice.getPageSource().contains("Request rejected"));
        Browsers.screenshot(alice, "12-alice-rejected");
    }
}
