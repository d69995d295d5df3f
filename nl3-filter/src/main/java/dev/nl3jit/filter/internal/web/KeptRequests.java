package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.store.KeptRequest;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a state-changing request (POST, PUT, PATCH, DELETE) for Send now: method, target, content type and body up to
 * {@code nl3.max-kept-body}. A form post whose parameters the container already parsed is kept as the form fields it
 * carried (re-encoded, same names, values and order); any other body as its bytes. A body over the limit, or one
 * that cannot be read, is not kept: the user then sends the request again after approval, as before.
 */
public final class KeptRequests {
    private static final System.Logger LOG = System.getLogger(KeptRequests.class.getName());
    static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    static final String FORM = "application/x-www-form-urlencoded";

    private KeptRequests() {
    }

    /**
     * The request to keep, or {@code null}. Reads the body: call only when the request will not run now. A Jakarta
     * Faces Ajax request is never kept: its answer is a partial response for the page's script, which Send now
     * could only show as raw XML; after approval the user submits again from the page.
     */
    public static KeptRequest keep(HttpServletRequest req, int maxBytes) {
        String method = req.getMethod();
        if (maxBytes <= 0 || !STATE_CHANGING.contains(method) || ClientKind.isFacesPartial(req)) {
            return null;
        }
        long declared = req.getContentLengthLong();
        if (declared > maxBytes) {
            return null;
        }
        String contentType = req.getContentType();
        try {
            byte[] body = isForm(contentType) ? formBody(req) : Streams.readAtMost(req.getInputStream(), maxBytes);
            if (body == null || body.length > maxBytes) {
                return null;
            }
            return new KeptRequest(method, SafePaths.target(req), contentType, body);
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.DEBUG, "request body not kept: {0}", e.toString());
            return null;
        }
    }

    static boolean isForm(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    /** The form fields of the body: the parsed parameters less those of the query string. */
    private static byte[] formBody(HttpServletRequest req) {
        Map<String, Integer> inQuery = new HashMap<>();
        for (Map.Entry<String, List<String>> e : parse(req.getQueryString()).entrySet()) {
            inQuery.put(e.getKey(), e.getValue().size());
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String[]> e : req.getParameterMap().entrySet()) {
            String[] values = e.getValue();
            // The container lists query values first, then the body's.
            for (int i = inQuery.getOrDefault(e.getKey(), 0); i < values.length; i++) {
                if (b.length() > 0) {
                    b.append('&');
                }
                b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(values[i], StandardCharsets.UTF_8));
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code a=1&b=2&a=3} → a:[1,3], b:[2] (UTF-8). */
    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        }
        return out;
    }
}
