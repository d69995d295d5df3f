package dev.nl3jit.filter.internal.web;

import java.security.SecureRandom;
import java.util.Base64;

/** HTML escaping, and the nonce and strict CSP every page of the filter is sent with (the pages: {@link Pages}). */
public final class Html {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Html() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    static String csp(String nonce) {
        return "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce + "'; connect-src 'self'; "
                + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }
}
