package dev.nl3jit.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.PayaraMicro;
import dev.nl3jit.sample.it.faces.DemoSignIn;
import dev.nl3jit.sample.it.faces.Payment;
import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Jakarta Faces for real: a Faces page on Payara Micro 6 (Mojarra, container sign-in through Jakarta Security) whose
 * Ajax action is protected by the filter mapped in web.xml with {@code nl3.methods=POST}. In a browser: the Ajax click
 * gets the partial-response redirect to the pending page, the page moves on when the approval arrives, and the same
 * Ajax action then completes. Screenshots: target/screenshots/faces-*.png.
 */
class FacesOnPayaraMicroIT {
    private static Sandbox sandbox;
    private static PayaraMicro payara;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().port(0).start();
        Path work = Files.createDirectories(Path.of(System.getProperty("test.work.dir", "target"), "payara-faces"));
        Path war = work.resolve("faces.war");
        facesApplication(sandbox).as(ZipExporter.class).exportTo(war.toFile(), true);
        payara = PayaraMicro.start(work, war);
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** The Faces page and its bean, the library's jars taken from the packaged sample WAR, and this web.xml. */
    static WebArchive facesApplication(Sandbox sandbox) {
        WebArchive sample = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("sample.war.file")));
        WebArchive war = ShrinkWrap.create(WebArchive.class, "faces.war").addClasses(Payment.class, DemoSignIn.class)
                .addAsWebResource("faces/admin/payment.xhtml", "admin/payment.xhtml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .setWebXML(new StringAsset(webXml(sandbox)));
        for (ArchivePath lib : sample.getContent(Filters.include("/WEB-INF/lib/.*\\.jar")).keySet()) {
            war.add(sample.get(lib).getAsset(), lib);
        }
        return war;
    }

    private static String webXml(Sandbox sandbox) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>nl3.signing-key</param-name><param-value>%s</param-value></context-param>
                  <context-param><param-name>nl3.app-uri</param-name><param-value>%s</param-value></context-param>
                  <context-param><param-name>nl3.api-base-url</param-name><param-value>%s</param-value></context-param>
                  <context-param><param-name>nl3.poll-interval</param-name><param-value>200ms</param-value></context-param>
                  <filter>
                    <filter-name>nl3-payments</filter-name>
                    <filter-class>dev.nl3jit.filter.Nl3ApprovalFilter</filter-class>
                    <init-param><param-name>nl3.approval-key</param-name><param-value>PAYMENT_APPROVAL</param-value></init-param>
                    <init-param><param-name>nl3.methods</param-name><param-value>POST</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>nl3-payments</filter-name><url-pattern>/admin/*</url-pattern></filter-mapping>
                  <servlet>
                    <servlet-name>faces</servlet-name>
                    <servlet-class>jakarta.faces.webapp.FacesServlet</servlet-class>
                    <load-on-startup>1</load-on-startup>
                  </servlet>
                  <servlet-mapping><servlet-name>faces</servlet-name><url-pattern>*.xhtml</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(sandbox.signingKey(), sandbox.issuer(), sandbox.baseUri());
    }

    private static WebDriverWait waitOn(WebDriver driver, long seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static void pay(WebDriver alice, String amount) {
        WebElement field = waitOn(alice, 15).until(ExpectedConditions.presenceOfElementLocated(By.id("pay:amount")));
        field.clear();
        field.sendKeys(amount);
        // Keep the Ajax answer where the next page can read it: it is the only trace of the partial response.
        ((JavascriptExecutor) alice).executeScript("faces.ajax.addOnEvent(function(d){if(d.status==='complete')"
                + "{sessionStorage.setItem('partial',d.responseText);}});sessionStorage.removeItem('partial');");
    }

    @Test
    void ajaxActionGoesToThePendingPageAndCompletesAfterApproval() throws Exception {
        String page = payara.uri("/faces/admin/payment.xhtml").toString().replace("127.0.0.1", "localhost");
        WebDriver alice = Browsers.start();
        try {
            alice.get(page + "?signin=alice");
            pay(alice, "EUR 1200");
            assertTrue(sandbox.calls().isEmpty(), "showing the page called NL3 (nl3.methods=POST)");
            Browsers.screenshot(alice, "faces-1-form");

            alice.findElement(By.id("pay:send")).click();
            waitOn(alice, 15).until(ExpectedConditions.urlContains("/faces/nl3-approval?p="));
            String partial = (String) ((JavascriptExecutor) alice).executeScript("return sessionStorage.getItem('partial');");
            assertTrue(partial != null && partial.matches(
                    "(?s)<\\?xml[^>]*\\?><partial-response><redirect url=\"/faces/nl3-approval\\?p=[A-Za-z0-9_.-]+\"></redirect></partial-response>"),
                    "the Ajax answer was not a partial-response redirect: " + partial);
            waitOn(alice, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("state")));
            Browsers.screenshot(alice, "faces-2-pending");
            assertEquals(1, sandbox.pendingRequests().size());
            ApprovalView request = sandbox.pendingRequests().get(0);
            assertEquals("PAYMENT_APPROVAL", request.templateId());
            assertEquals("alice", request.requester());
            assertEquals("POST", request.metaData().get("method"));
            assertEquals("/admin/payment.xhtml", request.metaData().get("path"));

            sandbox.approve(request.requestId(), "bob", null, "Bob Approver"); // Sign and Approve: one use
            waitOn(alice, 15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("msg"),
                    "Approved. Go back and submit your request again."));
            Browsers.screenshot(alice, "faces-3-approved");

            alice.findElement(By.id("back")).click();
            pay(alice, "EUR 1200");
            alice.findElement(By.id("pay:send")).click();
            waitOn(alice, 15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("pay:result"),
                    "Paid EUR 1200 for alice"));
            Browsers.screenshot(alice, "faces-4-paid");
            assertTrue(alice.getCurrentUrl().startsWith(page), alice.getCurrentUrl());
            assertEquals(1, sandbox.requests().size(), "the approved Ajax action asked NL3 again");
        } finally {
            alice.quit();
        }
    }
}
