package dev.nl3jit.filter;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The facts about one protected request that the gate needs, free of the servlet API so that other front ends
 * (the CDI interceptor) share the same decisions.
 *
 * @param user       the NL3 username
 * @param method     the HTTP method
 * @param path       the path inside the application (for request-bound grants and metadata)
 * @param target     path and query to return to after approval, already checked to stay in the application
 * @param ip         the end user's address
 * @param userAgent  the end user's browser
 * @param parameters values a protection may copy into metadata and bind a request-scoped grant to (first value each)
 * @param session    the SHA-256 of the HTTP session id, or {@code null} without a session
 * @param kept       reads the request to keep for Send now (state-changing methods only), or gives {@code null}
 */
record RequestFacts(String user, String method, String path, String target, String ip, String userAgent,
        Map<String, String> parameters, String session, Supplier<KeptRequest> kept) {
    static final Supplier<KeptRequest> NOTHING_KEPT = () -> null;
}
