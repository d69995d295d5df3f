package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.ApprovalRequiredException;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.Protection;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The flow of one protected request, shared by the mapped filter and the annotated-servlets filter: skip what
 * an earlier filter of the same request already checked under the same key and scope, require a signed-in user,
 * ask the engine, then either answer or pass the request on.
 */
public final class RequestGuard {
    private final WebEngine engine;
    private final List<String> apiPaths;

    public RequestGuard(WebEngine engine, List<String> apiPaths) {
        this.engine = engine;
        this.apiPaths = apiPaths;
    }

    public void guard(HttpServletRequest req, HttpServletResponse res, FilterChain chain, Protection protection)
            throws IOException, ServletException {
        if (protection == null || alreadyChecked(req, protection)) {
            chain.doFilter(req, res);
            return;
        }
        if (Authentication.require(req, res, apiPaths) == null) {
            return;
        }
        CheckResult result = engine.check(req, protection, Map.of());
        if (!result.passed()) {
            result.answer().orElseThrow().writeTo(res);
            return;
        }
        req.setAttribute(checkedName(protection), Boolean.TRUE);
        proceed(req, res, chain);
    }

    /**
     * An earlier check of this request covers this protection only for the same key and the same scope, so a
     * key-scoped mapping never lets a stricter request-scoped protection of the same key skip its check.
     */
    private static boolean alreadyChecked(HttpServletRequest req, Protection p) {
        return req.getAttribute(checkedName(p)) != null;
    }

    private static String checkedName(Protection p) {
        return p.checkedAttribute();
    }

    private static void proceed(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(req, res);
        } catch (ApprovalRequiredException e) {
            // A protected CDI bean further down asked for another approval.
            if (e.result().answer().isEmpty()) {
                throw e;
            }
            e.result().answer().get().writeTo(res);
        }
    }
}
