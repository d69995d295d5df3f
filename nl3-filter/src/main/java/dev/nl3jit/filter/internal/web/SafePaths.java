package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.util.Urls;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Paths the filter may redirect to: always inside the application, built from the request the server
 * received, never from a parameter or a {@code Referer}. Anything that could leave the origin (a leading
 * {@code //}, a backslash, a control character, their encoded forms) falls back to the application root.
 */
public final class SafePaths {
    private SafePaths() {
    }

    /** The request's own path and query inside the application. */
    public static String target(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String rest = uri != null && uri.startsWith(context) ? uri.substring(context.length()) : "/";
        String query = request.getQueryString();
        return safe(query == null ? rest : rest + "?" + query);
    }

    /** The path inside the application the servlet mapping sees ({@code servletPath + pathInfo}). */
    public static String pathInApp(HttpServletRequest request) {
        String sp = request.getServletPath();
        String pi = request.getPathInfo();
        String p = (sp == null ? "" : sp) + (pi == null ? "" : pi);
        return p.isEmpty() ? "/" : p;
    }

    /** {@code pathInApp} made safe: starts with exactly one slash, stays on this origin. */
    public static String safe(String pathInApp) {
        return Urls.safePath(pathInApp);
    }

    /** An absolute path for a {@code Location} header: context path plus the safe path. */
    static String location(HttpServletRequest request, String pathInApp) {
        return request.getContextPath() + safe(pathInApp);
    }
}
