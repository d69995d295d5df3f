package dev.nl3jit.example;

import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.RequiresApproval;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * A Spring Boot application with Spring Security's defaults (form login, CSRF on) and NL3 approvals: the admin settings
 * form posts under {@code /admin/*} (the URL pattern of {@code application.properties}), and a payment is a
 * controller method with {@code @RequiresApproval}. No security configuration of its own.
 */
@SpringBootApplication
public class ExampleApp {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApp.class, args);
    }

    @RestController
    public static class Pages {

        /** Opens freely ({@code nl3.methods=POST}); saving needs an ADMIN_ACCESS approval, sent by Send now. */
        @GetMapping(value = "/admin/settings", produces = MediaType.TEXT_HTML_VALUE)
        public String settingsForm(HttpServletRequest req, Principal user) {
            return page("Settings", "<p>Signed in as " + HtmlUtils.htmlEscape(user.getName()) + ".</p>"
                    + "<form method=\"post\" action=\"/admin/settings\">" + csrf(req)
                    + "<label>Banner <input name=\"banner\" id=\"banner\" value=\"Maintenance at 18:00\"></label> "
                    + "<button type=\"submit\" id=\"save\">Save</button></form>");
        }

        @PostMapping(value = "/admin/settings", produces = MediaType.TEXT_HTML_VALUE)
        public String saveSettings(@RequestParam("banner") String banner, Principal user) {
            return page("Saved", "<p id=\"result\">Settings saved by " + HtmlUtils.htmlEscape(user.getName()) + ": banner "
                    + HtmlUtils.htmlEscape(banner) + "</p>");
        }

        @GetMapping(value = "/payments", produces = MediaType.TEXT_HTML_VALUE)
        public String paymentForm(HttpServletRequest req) {
            return page("Pay", "<form method=\"post\" action=\"/payments/ACME\">" + csrf(req)
                    + "<label>Amount <input name=\"amount\" id=\"amount\" value=\"EUR 1200\"></label> to ACME "
                    + "<button type=\"submit\" id=\"pay\">Pay</button></form>");
        }

        /**
         * A Sign and Approve template, bound to the recipient (a path variable) and the amount (a form field): the
         * approval is for exactly these values, and one approval pays once.
         */
        @PostMapping(value = "/payments/{recipient}", produces = MediaType.TEXT_HTML_VALUE)
        @RequiresApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "recipient"}, scope = GrantScope.REQUEST)
        public String pay(@PathVariable("recipient") String recipient, @RequestParam("amount") String amount, Principal user) {
            return page("Paid", "<p id=\"result\">Paid " + HtmlUtils.htmlEscape(amount) + " to "
                    + HtmlUtils.htmlEscape(recipient) + " for " + HtmlUtils.htmlEscape(user.getName()) + "</p>");
        }

        /** Spring Security's CSRF token as a hidden field of the application's own forms. */
        private static String csrf(HttpServletRequest req) {
            CsrfToken token = (CsrfToken) req.getAttribute(CsrfToken.class.getName());
            return token == null ? "" : "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(token.getParameterName())
                    + "\" value=\"" + HtmlUtils.htmlEscape(token.getToken()) + "\">";
        }

        private static String page(String title, String body) {
            return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>"
                    + title + "</h1>" + body + "</body></html>";
        }
    }
}
