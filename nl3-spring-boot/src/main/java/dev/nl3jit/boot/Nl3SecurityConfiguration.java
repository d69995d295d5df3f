package dev.nl3jit.boot;

import dev.nl3jit.filter.Nl3Settings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.web.csrf.CsrfFilter;

/**
 * The approval flow under Spring Security's defaults, when Spring Security is present. The library's own forms under the
 * pending path (Send now, cancel, ask again, the reason) pass Spring's CSRF check: Send now carries its own one-time
 * token, bound to the ticket, the user and the session, and every one of them refuses another origin
 * ({@code Origin}, {@code Sec-Fetch-Site}), as in a WAR. The user is Spring Security's {@code Authentication} (the
 * request's principal behind its chain; the {@code UsernameMapper} bean maps it when there is one), and the library's
 * filters come after Spring Security's chain. When the application's own security configuration still refuses a request
 * under the pending path before the library sees it, that is logged once, with the fix.
 */
@AutoConfiguration(after = Nl3AutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"org.springframework.security.web.csrf.CsrfFilter", "dev.nl3jit.filter.Nl3ApprovalFilter"})
public class Nl3SecurityConfiguration {
    /** Request attribute: the request got past the application's security chain to the library. */
    static final String REACHED = Nl3SecurityConfiguration.class.getName() + ".reached";

    /** Before Spring Security's chain (order -100 by default): its CSRF filter skips the library's own forms. */
    @Bean
    FilterRegistrationBean<HttpFilter> nl3SecurityBridge(Nl3Settings settings) {
        FilterRegistrationBean<HttpFilter> r = new FilterRegistrationBean<>(new Bridge(settings.pendingPath()));
        r.setName("nl3-security-bridge");
        r.addUrlPatterns(settings.pendingPath() + "/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        r.setAsyncSupported(true);
        return r;
    }

    /** After Spring Security's chain, just before the library's filters: marks that the request got through. */
    @Bean
    FilterRegistrationBean<HttpFilter> nl3SecurityPassed(Nl3Settings settings) {
        FilterRegistrationBean<HttpFilter> r = new FilterRegistrationBean<>(new HttpFilter() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                req.setAttribute(REACHED, Boolean.TRUE);
                chain.doFilter(req, res);
            }
        });
        r.setName("nl3-security-passed");
        r.addUrlPatterns(settings.pendingPath() + "/*");
        r.setOrder(Ordered.LOWEST_PRECEDENCE - 1);
        r.setAsyncSupported(true);
        return r;
    }

    static final class Bridge extends HttpFilter {
        private static final long serialVersionUID = 1L;
        private static final System.Logger LOG = System.getLogger(Nl3SecurityConfiguration.class.getName());
        private final String pendingPath;
        private final AtomicBoolean told = new AtomicBoolean();

        Bridge(String pendingPath) {
            this.pendingPath = pendingPath;
        }

        @Override
        protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            if ("POST".equals(req.getMethod())) {
                // The library checks these itself (one-time token, origin); Spring's CSRF filter leaves them to it.
                CsrfFilter.skipRequest(req);
            }
            chain.doFilter(req, res);
            if (res.getStatus() == 403 && req.getAttribute(REACHED) == null && !req.isAsyncStarted()
                    && told.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "Spring Security refused {0} {1} with 403 before the NL3 approval "
                        + "pages saw it, so users cannot finish an approval (logged once). Let signed-in users reach "
                        + "{2}/** in your SecurityFilterChain, e.g. .requestMatchers(\"{2}/**\").authenticated(); if you "
                        + "replaced Spring''s CsrfFilter, exempt the path: http.csrf(c -> c.ignoringRequestMatchers(\"{2}/**\")) "
                        + "(Send now carries its own one-time token, and every form there refuses other origins).",
                        req.getMethod(), req.getRequestURI(), pendingPath);
            }
        }
    }
}
