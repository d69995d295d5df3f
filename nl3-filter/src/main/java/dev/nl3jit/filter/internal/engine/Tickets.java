package dev.nl3jit.filter.internal.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Tickets: the random handles a browser holds for a pending approval. Each starts with the tag of the engine
 * that created it ({@code tag.random}), so the pending path hands a ticket to its own engine, with that engine's
 * settings, even when several engines share one store. The tag comes from the engine's name, so every node of
 * a cluster computes the same one.
 */
public final class Tickets {
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int MAX_LENGTH = 100;

    private Tickets() {
    }

    /** A short, URL-safe tag for an engine name. */
    public static String tag(String engineName) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(engineName.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A fresh, unguessable ticket of the engine with {@code tag}. */
    public static String next(String tag) {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return tag + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The engine tag a ticket carries, if it is shaped like a ticket at all. */
    public static Optional<String> tagOf(String ticket) {
        if (ticket == null || ticket.isBlank() || ticket.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = ticket.indexOf('.');
        return dot <= 0 ? Optional.empty() : Optional.of(ticket.substring(0, dot));
    }
}
