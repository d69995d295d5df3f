package dev.nl3jit.boot;

import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.RequiresApproval;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Set;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A small Spring Boot application as an adopter would write it: a controller under /admin, an annotated servlet. */
@SpringBootApplication
public class DemoApp {

    @RestController
    public static class AdminController {
        @GetMapping("/admin/users")
        public String users(Principal user) {
            return "ADMIN OK " + user.getName();
        }
    }

    /** A controller method protected by annotation, bound to a path variable and a request parameter. */
    @RestController
    public static class PaymentController {
        @PostMapping("/api/payments/{recipient}")
        @RequiresApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "recipient"}, scope = GrantScope.REQUEST)
        public String pay(@PathVariable("recipient") String recipient, @RequestParam("amount") String amount) {
            return "PAID " + amount + " to " + recipient;
        }
    }

    /** Protected by annotation, as in a WAR. */
    @RequiresApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "recipient"}, scope = GrantScope.REQUEST)
    public static class TransferServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().write("TRANSFER OK " + req.getParameter("amount") + " to " + req.getParameter("recipient"));
        }
    }

    @Bean
    public ServletRegistrationBean<TransferServlet> transfer() {
        return new ServletRegistrationBean<>(new TransferServlet(), "/payments/transfer");
    }

    /** The application's own sign-in: BASIC against three demo users (the library needs an authenticated user). */
    @Bean
    public FilterRegistrationBean<HttpFilter> basicAuth() {
        FilterRegistrationBean<HttpFilter> r = new FilterRegistrationBean<>(new HttpFilter() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                String h = req.getHeader("Authorization");
                if (h != null && h.startsWith("Basic ")) {
                    String[] up = new String(Base64.getDecoder().decode(h.substring(6)), StandardCharsets.UTF_8).split(":", 2);
                    if (up.length == 2 && Set.of("alice", "bob", "erin").contains(up[0]) && up[1].equals("pw")) {
                        Principal p = () -> up[0];
                        chain.doFilter(new HttpServletRequestWrapper(req) {
                            @Override
                            public Principal getUserPrincipal() {
                                return p;
                            }

                            @Override
                            public String getRemoteUser() {
                                return up[0];
                            }
                        }, res);
                        return;
                    }
                }
                res.setHeader("WWW-Authenticate", "Basic realm=\"demo\"");
                res.sendError(401);
            }
        });
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        r.setAsyncSupported(true);
        return r;
    }
}
