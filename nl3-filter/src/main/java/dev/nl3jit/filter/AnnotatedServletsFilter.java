package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.web.Protections;
import dev.nl3jit.filter.internal.web.RequestGuard;
import dev.nl3jit.filter.internal.web.FilterSetup;

import dev.nl3jit.filter.spi.UsernameMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Map;

/**
 * The filter {@link Nl3Initializer} puts in front of servlets annotated with {@link RequiresApproval}: one
 * protection per servlet name, found with one map lookup per request.
 */
final class AnnotatedServletsFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(AnnotatedServletsFilter.class.getName());

    private final transient Map<String, RequiresApproval> annotated;
    private final transient Nl3Settings given;
    private final transient UsernameMapper usernames;
    private transient Map<String, Protection> byServlet;
    private transient Nl3Approvals approvals;
    private transient RequestGuard guard;

    /**
     * @param given     the settings, or {@code null} to read them from the application's sources at {@code init}
     * @param usernames how a principal becomes the NL3 username
     */
    public AnnotatedServletsFilter(Map<String, RequiresApproval> annotated, Nl3Settings given, UsernameMapper usernames) {
        this.annotated = Map.copyOf(annotated);
        this.given = given;
        this.usernames = usernames == null ? UsernameMapper.PRINCIPAL_NAME : usernames;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        Nl3Settings settings = FilterSetup.settings(config, given);
        try {
            byServlet = Protections.of(annotated, settings);
        } catch (InvalidSettingsException e) {
            throw FilterSetup.failed(e.getMessage(), e);
        }
        approvals = FilterSetup.engine(config, settings, null, null, usernames, Clock.systemUTC(), e -> {
        });
        guard = new RequestGuard(approvals.web(), settings.apiPaths());
        LOG.log(Level.INFO, "NL3 approvals protect servlets {0} via {1}", byServlet.keySet(), settings.apiBaseUrl());
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        guard.guard(req, res, chain, byServlet.get(req.getHttpServletMapping().getServletName()));
    }

    @Override
    public void destroy() {
        if (approvals != null) {
            approvals.close();
        }
        super.destroy();
    }
}
