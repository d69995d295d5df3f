package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.Nl3Initializer;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The filter {@link Nl3Initializer} maps to the pending path: it serves the pending pages and status URLs of every
 * engine of the application (filters and CDI), each ticket by the engine that created it.
 */
public final class PendingPathFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private final String pendingPath;
    private transient PendingEndpoint pending;

    public PendingPathFilter(String pendingPath) {
        this.pendingPath = pendingPath;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        pending = new PendingEndpoint(pendingPath, EngineRegistry.of(config.getServletContext()));
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (pending.handles(SafePaths.pathInApp(req))) {
            pending.serve(req, res);
        } else {
            chain.doFilter(req, res);
        }
    }

    @Override
    public void destroy() {
        if (pending != null) {
            pending.close();
        }
        super.destroy();
    }
}
