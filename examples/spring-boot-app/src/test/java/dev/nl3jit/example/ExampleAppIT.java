package dev.nl3jit.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application as its users run it, in Chromium: Spring Security's form login with CSRF on, Send now for
 * the URL pattern, a Sign and Approve controller method bound to its values and used once, the {@code nl3} health
 * contributor and the {@code nl3.*} meters. Runs on Spring Boot 3.5 here and on 4.0 in spring-boot-4-it. Screenshots:
 * target/screenshots/spring-boot-*.png of the module that runs it.
 */
class ExampleAppIT {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private ConfigurableApplicationContext app;
    private WebDriver browser;
    private String base;
    private String shots;

    @BeforeEach
    void start() {
        String expected = System.getProperty("expected.spring.boot", "3.5.");
        String running = SpringBootVersion.getVersion();
        if (running == null || !running.startsWith(expected)) {
            throw new IllegalStateException("expected Spring Boot " + expected + "x on the class path, found " + running);
        }
        shots = "spring-boot-" + running.substring(0, 3) + "-";
        Sandbox sandbox = nl3.sandbox();
        // The example's own application.properties; spring-boot-4-it puts it under example/ on the class path.
        app = SpringApplication.run(ExampleApp.class, "--spring.config.additional-location=optional:classpath:/example/",
                "--server.port=0", "--nl3.signing-key=" + sandbox.signingKey(),
                "--nl3.app-uri=" + sandbox.issuer(), "--nl3.api-base-url=" + sandbox.baseUri(),
                "--spring.security.user.password=pw");
        base = "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
        browser = Browsers.start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void sendNowAndAControllerMethodUnderSpringSecurityDefaults() {
        Sandbox sandbox = nl3.sandbox();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        // Spring Security's own login page, then the page asked for.
        browser.get(base + "/admin/settings");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.name("username"))).sendKeys("alice");
        browser.findElement(By.name("password")).sendKeys("pw");
        Browsers.screenshot(browser, shots + "01-login");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("save")));
        Browsers.screenshot(browser, shots + "02-settings");

        // The POST under /admin/* (CSRF token of Spring's in the form) waits for an approval.
        browser.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("title"), "Approval required"));
        Browsers.screenshot(browser, shots + "03-settings-pending");
        List<ApprovalView> pending = sandbox.pendingRequests();
        assertEquals(1, pending.size());
        assertEquals("ADMIN_ACCESS", pending.get(0).templateId());
        sandbox.approve(pending.get(0).requestId(), "bob");

        // Send now: the library's own POST passes Spring's CSRF check; the kept request runs once.
        WebElement send = wait.until(ExpectedConditions.elementToBeClickable(By.id("send-now")));
        Browsers.screenshot(browser, shots + "04-settings-approved");
        send.click();
        WebElement result = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result")));
        assertEquals("Settings saved by alice: banner Maintenance at 18:00", result.getText());
        Browsers.screenshot(browser, shots + "05-settings-sent");

        // The controller method: bound to the path variable and the form field, Sign and Approve, one use.
        pay(wait, "EUR 1,200.00");
        Browsers.screenshot(browser, shots + "06-payment-pending");
        pending = sandbox.pendingRequests();
        assertEquals(1, pending.size());
        ApprovalView payment = pending.get(0);
        assertEquals("PAYMENT_APPROVAL", payment.templateId());
        assertEquals("EUR 1,200.00", payment.metaData().get("amount"));
        assertEquals("ACME", payment.metaData().get("recipient"));
        sandbox.approve(payment.requestId(), "bob", null, "Bob Builder");
        send = wait.until(ExpectedConditions.elementToBeClickable(By.id("send-now")));
        Browsers.screenshot(browser, shots + "07-payment-approved");
        send.click();
        result = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result")));
        assertEquals("Paid EUR 1,200.00 to ACME for alice", result.getText());
        Browsers.screenshot(browser, shots + "08-payment-sent");

        // Used once: the same payment again needs a new approval.
        pay(wait, "EUR 1,200.00");
        pending = sandbox.pendingRequests();
        assertEquals(1, pending.size(), "a second payment waits for its own approval");
        assertNotEquals(payment.requestId(), pending.get(0).requestId());

        // Actuator: the nl3 health contributor and the nl3.* meters, as the signed-in user sees them.
        browser.get(base + "/actuator/health");
        String health = browser.findElement(By.tagName("body")).getText();
        Browsers.screenshot(browser, shots + "09-health");
        String contributor = object(health, "\"nl3\":{");
        assertTrue(contributor.contains("\"status\":\"UP\""), health);
        assertTrue(contributor.contains("\"nl3\":\"ANSWERING\"") && contributor.contains("\"store\":\"reachable\""), health);
        browser.get(base + "/actuator/metrics");
        String names = browser.findElement(By.tagName("body")).getText();
        assertTrue(names.contains("\"nl3.approvals.granted\"") && names.contains("\"nl3.calls\""), names);
        browser.get(base + "/actuator/metrics/nl3.approvals.granted");
        String granted = browser.findElement(By.tagName("body")).getText();
        Browsers.screenshot(browser, shots + "10-metrics");
        Matcher m = Pattern.compile("\"value\":([0-9.]+)").matcher(granted);
        assertTrue(m.find(), granted);
        assertEquals(2.0, Double.parseDouble(m.group(1)), granted);
    }

    /** The JSON object that starts right after {@code start} (Boot 3 and 4 order members differently). */
    private static String object(String json, String start) {
        int from = json.indexOf(start);
        assertTrue(from >= 0, json);
        int depth = 0;
        for (int i = from + start.length() - 1; i < json.length(); i++) {
            char c = json.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                return json.substring(from, i + 1);
            }
        }
        return json.substring(from);
    }

    private void pay(WebDriverWait wait, String amount) {
        browser.get(base + "/payments");
        WebElement field = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("amount")));
        field.clear();
        field.sendKeys(amount);
        browser.findElement(By.id("pay")).click();
        wait.until(ExpectedConditions.textToBe(By.id("title"), "Approval required"));
    }
}
