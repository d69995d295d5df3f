package dev.nl3jit.sandbox;

import java.util.Locale;
import java.util.Set;

/**
 * What keeps pages of other origins away from the admin API and the console, both of which a browser on the
 * same machine can reach. A page elsewhere can still make the approver's browser send a "simple" request (a
 * form post, or {@code fetch} with {@code text/plain}) without asking first; these checks refuse it before
 * anything changes.
 */
final class BrowserGuard {
    static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private BrowserGuard() {
    }

    /**
     * Refuses (403) a request that a browser says came from elsewhere: an {@code Origin} header that is not this
     * sandbox's own origin ({@code http://} and the {@code Host} header), or {@code Sec-Fetch-Site: cross-site} or
     * {@code same-site}. A request without either header (curl, test clients, servers) passes.
     */
    static void requireSameOrigin(Req req) {
        String site = req.header("Sec-Fetch-Site");
        if (site != null) {
            String s = site.strip().toLowerCase(Locale.ROOT);
            if (s.equals("cross-site") || s.equals("same-site")) {
                throw new BadRequest(403, "cross_origin", "refused: the browser says this request came from another site "
                        + "(Sec-Fetch-Site: " + s + "); use the sandbox's own pages, or a client that is not a browser");
            }
        }
        String origin = req.header("Origin");
        if (origin == null) {
            return;
        }
        String host = req.header("Host");
        String own = host == null ? null : "http://" + host.strip();
        if (own == null || !origin.strip().equalsIgnoreCase(own)) {
            throw new BadRequest(403, "cross_origin", "refused: a request from origin " + shorten(origin)
                    + " is not from this sandbox's own origin " + (own == null ? "(no Host header)" : own));
        }
    }

    /**
     * Refuses (403) a request whose {@code Host} header is not a loopback name ({@code localhost}, a name under
     * {@code .localhost}, {@code 127.x.x.x}, {@code [::1]}), for a sandbox that answers loopback callers only. Without
     * it, a page whose DNS name was re-pointed at 127.0.0.1 (DNS rebinding) would be the sandbox's "own" origin.
     * Names are never looked up. A request without {@code Host} (HTTP/1.0; browsers always send one) passes.
     */
    static void requireLoopbackHost(Req req) {
        String host = req.header("Host");
        if (host == null) {
            return;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end < 0 ? name : name.substring(0, end + 1);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        boolean loopback = name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        if (!loopback) {
            throw new BadRequest(403, "forbidden_host", "refused: Host " + shorten(host) + " is not a loopback name "
                    + "(localhost, 127.0.0.1, [::1]); the admin API and the console answer loopback callers only "
                    + "(Sandbox.builder().allowRemoteAdmin(true) lifts this)");
        }
    }

    /**
     * Refuses (415) a state-changing request (POST, PUT, PATCH, DELETE) whose {@code Content-Type} is not
     * {@code application/json} (parameters allowed; a charset other than UTF-8 is refused too), with or without a
     * body: a browser can send {@code text/plain} or a form to anyone without asking, never JSON.
     */
    static void requireJson(Req req) {
        if (!STATE_CHANGING.contains(req.method)) {
            return;
        }
        String contentType = req.header("Content-Type");
        if (!isJson(contentType)) {
            throw new BadRequest(415, "unsupported_media_type", req.method + " " + req.path
                    + " takes Content-Type: application/json (an empty body where the call takes none), got "
                    + (contentType == null ? "no Content-Type" : shorten(contentType)));
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv[0].strip().equalsIgnoreCase("charset")) {
                String charset = kv.length == 2 ? kv[1].strip().replace("\"", "") : "";
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "\u2026" : s;
    }
}
