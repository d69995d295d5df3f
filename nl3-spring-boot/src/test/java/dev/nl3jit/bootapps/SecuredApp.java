package dev.nl3jit.bootapps;

import dev.nl3jit.filter.RequiresApproval;
import dev.nl3jit.filter.spi.UsernameMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with Spring Security (HTTP Basic, CSRF on) whose sign-in names are {@code ops-<name>}: its
 * {@code UsernameMapper} bean maps Spring Security's {@code Authentication} to the NL3 username {@code <name>}. One
 * protection of each kind: the URL pattern filter ({@code /admin/*}), an annotated servlet and an annotated controller
 * method. With {@code app.deny-pending=true} its own chain denies the pending path, as a too strict configuration would.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(SecuredApp.Pages.class)
public class SecuredApp {
    static final String PREFIX = "ops-";

    @RestController
    public static class Pages {
        @GetMapping("/admin/users")
        public String users(Principal user) {
            return "ADMIN OK " + user.getName();
        }

        @GetMapping("/api/report")
        @RequiresApproval("ADMIN_ACCESS")
        public String report(Principal user) {
            return "REPORT for " + user.getName();
        }
    }

    @RequiresApproval("PAYMENT_APPROVAL")
    public static class ExportServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().write("EXPORT OK");
        }
    }

    @Bean
    public ServletRegistrationBean<ExportServlet> export() {
        return new ServletRegistrationBean<>(new ExportServlet(), "/exports/ledger");
    }

    /** Only an {@code Authentication} named {@code ops-…} maps to an NL3 user; anything else shows in the sandbox. */
    @Bean
    public UsernameMapper usernameMapper() {
        return principal -> principal instanceof Authentication a && a.getName().startsWith(PREFIX)
                ? a.getName().substring(PREFIX.length())
                : "unmapped-" + principal.getClass().getSimpleName();
    }

    @Bean
    public UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername(PREFIX + "alice").password("{noop}pw").roles("USER").build());
    }

    @Bean
    public SecurityFilterChain chain(HttpSecurity http, @Value("${app.deny-pending:false}") boolean denyPending)
            throws Exception {
        http.authorizeHttpRequests(a -> {
            if (denyPending) {
                a.requestMatchers(PathPatternRequestMatcher.withDefaults().matcher("/nl3-approval/**")).denyAll();
            }
            a.anyRequest().authenticated();
        });
        http.httpBasic(Customizer.withDefaults());
        return http.build();
    }
}
