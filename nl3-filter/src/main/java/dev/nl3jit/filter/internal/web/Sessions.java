package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.util.Digests;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/** The digest of the request's session id: what a ticket or a grant is bound to, never the id itself. */
public final class Sessions {
    private Sessions() {
    }

    /** The SHA-256 of the request's session id, or {@code null} without a session (none is created). */
    public static String hash(HttpServletRequest req) {
        return hash(req, false);
    }

    /** As {@link #hash(HttpServletRequest)}; with {@code create}, a session is made when there is none. */
    public static String hash(HttpServletRequest req, boolean create) {
        HttpSession session = req.getSession(create);
        return session == null ? null : Digests.sha256(session.getId());
    }
}
