package dev.nl3jit.filter.internal.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Digests of secrets the library compares but never keeps in clear: session ids and one-time tokens. */
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
        return session == null ? null : sha256(session.getId());
    }

    static String sha256(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Compares in constant time. */
    static boolean same(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
