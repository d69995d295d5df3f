package dev.nl3jit.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The per-session anti-forgery token of the sample's forms: 32 random bytes kept in the HTTP session, sent by every
 * state-changing form in the hidden field {@value #FIELD}, and compared in constant time by {@link CsrfFilter}.
 */
final class Csrf {
    static final String FIELD = "csrf";
    private static final String ATTRIBUTE = Csrf.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    /** The session's token, made (with the session) on first use. */
    static String token(HttpServletRequest req) {
        HttpSession session = req.getSession(true);
        synchronized (Csrf.class) {
            Object token = session.getAttribute(ATTRIBUTE);
            if (token instanceof String s) {
                return s;
            }
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            session.setAttribute(ATTRIBUTE, fresh);
            return fresh;
        }
    }

    /** The hidden form field carrying the token. */
    static String field(HttpServletRequest req) {
        return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + Page.escape(token(req)) + "\">";
    }

    /** Whether the request carries its session's token (never true without a session or a token). */
    static boolean valid(HttpServletRequest req) {
        HttpSession session = req.getSession(false);
        Object expected = session == null ? null : session.getAttribute(ATTRIBUTE);
        String given = req.getParameter(FIELD);
        return expected instanceof String e && given != null
                && MessageDigest.isEqual(e.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
