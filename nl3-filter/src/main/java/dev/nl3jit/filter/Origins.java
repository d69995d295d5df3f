package dev.nl3jit.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a browser marks an unsafe request as sent from elsewhere: an {@code Origin} other than the application's own
 * and not in {@code nl3.allowed-origins}, or, without {@code Origin}, {@code Sec-Fetch-Site: cross-site} or
 * {@code same-site}. Such a request is refused before any approval request: a page on another origin (another port
 * of the same host included) must not be able to make a user ask for an approval, nor use one. Clients that send
 * neither header (scripts, servers) are not browsers acting for someone else and are unaffected. GET, HEAD, OPTIONS
 * and TRACE are never refused here.
 */
final class Origins {
    private static final LogOnce REFUSALS = new LogOnce(System.getLogger(Origins.class.getName()), Duration.ofMinutes(5));
    private final Set<String> allowed;

    Origins(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    /** Whether {@code req} must be refused; the first refusal of each cause is logged (then a count every 5 minutes). */
    boolean foreign(HttpServletRequest req) {
        String method = req.getMethod();
        if (safe(method)) {
            return false;
        }
        String origin = req.getHeader("Origin");
        if (origin != null) {
            String normal = normalise(origin);
            String own = own(req);
            if (normal != null && (normal.equals(own) || allowed.contains(normal))) {
                return false;
            }
            REFUSALS.warn("origin", "refused a {0} to {1} sent by a page of another origin ({2}): unsafe protected requests "
                    + "are accepted only from this application ({3}) and nl3.allowed-origins; behind a proxy, let the "
                    + "container see the public scheme and host, or name the public origin in nl3.allowed-origins",
                    Shown.clipped(method, 20), Shown.clipped(SafePaths.pathInApp(req), 200), Shown.clipped(origin, 200), own);
            return true;
        }
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            REFUSALS.warn("sec-fetch-site", "refused a {0} to {1} that the browser marks Sec-Fetch-Site: {2}: unsafe "
                    + "protected requests are accepted only from this application", Shown.clipped(method, 20),
                    Shown.clipped(SafePaths.pathInApp(req), 200), Shown.clipped(site, 40));
            return true;
        }
        return false;
    }

    static boolean safe(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }

    /** This request's own origin, as a browser on it would send it. */
    static String own(HttpServletRequest req) {
        String scheme = req.getScheme().toLowerCase(Locale.ROOT);
        int port = req.getServerPort();
        String host = req.getServerName().toLowerCase(Locale.ROOT);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return scheme + "://" + host + (port <= 0 || port == defaultPort(scheme) ? "" : ":" + port);
    }

    /**
     * {@code origin} as browsers send it ({@code scheme://host[:port]}, lower case, default port left out), or
     * {@code null} when it is not an http(s) origin ({@code null}, a path, user info…).
     */
    static String normalise(String origin) {
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

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
    }
}
