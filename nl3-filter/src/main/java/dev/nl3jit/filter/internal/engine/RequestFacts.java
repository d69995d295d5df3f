package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.KeptRequest;

import dev.nl3jit.filter.Reason;

import java.util.Map;
import java.util.function.BooleanSupplier;
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
 * @param sessionHash gives the SHA-256 of the HTTP session id, or {@code null} without a session; asked only when a
 *                    grant is bound to the session or a ticket is made, never on a request a user-bound grant covers
 * @param kept       reads the request to keep for Send now (state-changing methods only), or gives {@code null}
 * @param reason     the reason the user gave ({@code NL3-Reason} header or the reason page), or {@code null}
 * @param browser    tells whether a page can ask the user for a reason (a browser), else a missing required one is
 *                   refused; asked only when a protection wants a reason, never on the grant path
 */
public record RequestFacts(String user, String method, String path, String target, String ip, String userAgent,
        Map<String, String> parameters, Supplier<String> sessionHash, Supplier<KeptRequest> kept, String reason,
        BooleanSupplier browser) {
    static final Supplier<KeptRequest> NOTHING_KEPT = () -> null;
    static final Supplier<String> NO_SESSION = () -> null;

    /** Whether a page can ask the user for a reason. */
    boolean canAsk() {
        return browser.getAsBoolean();
    }

    /** The SHA-256 of the HTTP session id, or {@code null}. */
    String session() {
        return sessionHash.get();
    }

    /**
     * The same facts with the request to keep and the session read now (the request is gone later), the given reason,
     * and whether a page may still ask for one.
     */
    public RequestFacts resolved(String newReason, boolean mayAsk) {
        KeptRequest k = kept.get();
        String s = session();
        return new RequestFacts(user, method, path, target, ip, userAgent, parameters, () -> s, () -> k, newReason, () -> mayAsk);
    }

    /**
     * A reason as typed: trimmed, {@code null} when blank, otherwise whole. It is never cut (the gate refuses one longer
     * than {@code nl3.max-value-length}) and its control characters are escaped where it is shown, not here.
     */
    public static String cleanReason(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return raw.strip();
    }
}
