package dev.nl3jit.filter.internal.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;

/** How a caller wants to be answered. */
public enum ClientKind {
    /** A person with a browser: redirects and HTML pages. */
    BROWSER,
    /** A script: {@code Accept: application/json}, XHR, or a configured API path; RFC 9457 problem+json. */
    API,
    /** A Jakarta Faces Ajax request: a {@code <partial-response>}. */
    FACES_PARTIAL;

    public static ClientKind of(HttpServletRequest request, List<String> apiPaths) {
        if (isFacesPartial(request)) {
            return FACES_PARTIAL;
        }
        if ("XMLHttpRequest".equalsIgnoreCase(request.getHeader("X-Requested-With"))) {
            return API;
        }
        String accept = request.getHeader("Accept");
        if (accept != null) {
            String a = accept.toLowerCase(Locale.ROOT);
            if (a.contains("json") && !a.contains("text/html")) {
                return API;
            }
        }
        String path = SafePaths.pathInApp(request);
        for (String prefix : apiPaths) {
            if (path.startsWith(prefix)) {
                return API;
            }
        }
        return BROWSER;
    }

    static boolean isFacesPartial(HttpServletRequest request) {
        return "partial/ajax".equalsIgnoreCase(request.getHeader("Faces-Request"));
    }
}
