package dev.nl3jit.filter.internal.util;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The syntax of web origins, shared by the settings (which validate {@code nl3.allowed-origins}) and the web side. */
public final class Urls {
    private Urls() {
    }

    /**
     * {@code origin} as browsers send it ({@code scheme://host[:port]}, lower case, default port left out), or
     * {@code null} when it is not an http(s) origin ({@code null}, a path, user info…).
     */
    public static String origin(String origin) {
        if (origin == null || origin.isBlank()) {
            return null;
        }
        URI u;
        try {
            u = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || u.getHost() == null || u.getRawUserInfo() != null
                || u.getRawQuery() != null || u.getRawFragment() != null
                || u.getRawPath() != null && !u.getRawPath().isEmpty()) {
            return null;
        }
        int port = u.getPort();
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (port < 0 || port == defaultPort(scheme) ? "" : ":" + port);
    }

    /** 443 for https, 80 for http, else -1. */
    public static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
    }

    /** {@code pathInApp} made safe: starts with exactly one slash, stays on this origin. */
    public static String safePath(String pathInApp) {
        if (pathInApp == null || pathInApp.isEmpty() || pathInApp.charAt(0) != '/') {
            return "/";
        }
        for (int i = 0; i < pathInApp.length(); i++) {
            char c = pathInApp.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c > 0x7e) {
                return "/";
            }
        }
        String lower = pathInApp.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("%5c") || lower.contains("%0d") || lower.contains("%0a") || lower.contains("%00")) {
            return "/";
        }
        int i = 0;
        while (i < pathInApp.length() && pathInApp.charAt(i) == '/') {
            i++;
        }
        String rest = pathInApp.substring(i);
        // An encoded slash right after the root would make some proxies see "//host".
        if (rest.regionMatches(true, 0, "%2f", 0, 3)) {
            return "/";
        }
        return "/" + rest;
    }
}
