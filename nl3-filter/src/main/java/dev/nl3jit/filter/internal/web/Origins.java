package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.util.Urls;

import dev.nl3jit.filter.internal.util.LogOnce;
import dev.nl3jit.filter.internal.util.Shown;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a browser marks an unsafe request as sent from elsewhere. Such a request is refused before any approval
 * request and before any grant is used: a page on another origin (another port of the same host included) must not be
 * able to make a user ask for an approval, nor use one. GET, HEAD, OPTIONS and TRACE are never refused here.
 *
 * <p>The rule, in order: an {@code Origin} that is the application's own or in {@code nl3.allowed-origins} passes;
 * then {@code Sec-Fetch-Site}, which every current browser sends and which a page cannot forge, decides when present
 * ({@code same-origin} and {@code none} pass, {@code same-site} and {@code cross-site} are refused); without it (older
 * browsers), any other {@code Origin}, {@code null} included, is refused. A client that sends neither header (a
 * script, a server) is no browser acting for someone else and passes. {@code Sec-Fetch-Site} comes before a
 * mismatched {@code Origin} because a browser sends {@code Origin: null} from a page whose referrer policy is
 * {@code no-referrer}, and because behind a proxy the container may see another scheme or host than the browser.
 */
public final class Origins {
    private static final LogOnce REFUSALS = new LogOnce(System.getLogger(Origins.class.getName()), Duration.ofMinutes(5));
    private final Set<String> allowed;

    public Origins(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    /** Whether {@code req} must be refused; the first refusal of each cause is logged (then a count every 5 minutes). */
    public boolean foreign(HttpServletRequest req) {
        String method = req.getMethod();
        if (safe(method)) {
            return false;
        }
        String origin = req.getHeader("Origin");
        String site = req.getHeader("Sec-Fetch-Site");
        if (origin == null && site == null) {
            return false;
        }
        String normal = Urls.origin(origin);
        if (normal != null && allowed.contains(normal)) {
            return false;
        }
        String own = own(req);
        if (normal != null && normal.equals(own)) {
            return false;
        }
        if (site != null) {
            if (site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none")) {
                return false;
            }
            REFUSALS.warn("sec-fetch-site", "refused a {0} to {1} that the browser marks Sec-Fetch-Site: {2} (Origin: {3}): "
                    + "unsafe protected requests are accepted only from this application ({4}) and nl3.allowed-origins",
                    Shown.clipped(method, 20), Shown.clipped(SafePaths.pathInApp(req), 200), Shown.clipped(site, 40),
                    origin == null ? "none" : Shown.clipped(origin, 200), own);
            return true;
        }
        REFUSALS.warn("origin", "refused a {0} to {1} sent by a page of another origin ({2}): unsafe protected requests "
                + "are accepted only from this application ({3}) and nl3.allowed-origins; behind a proxy, let the "
                + "container see the public scheme and host, or name the public origin in nl3.allowed-origins",
                Shown.clipped(method, 20), Shown.clipped(SafePaths.pathInApp(req), 200), Shown.clipped(origin, 200), own);
        return true;
    }

    public static boolean safe(String method) {
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
        return scheme + "://" + host + (port <= 0 || port == Urls.defaultPort(scheme) ? "" : ":" + port);
    }

}
