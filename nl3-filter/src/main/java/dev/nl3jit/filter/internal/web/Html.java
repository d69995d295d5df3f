package dev.nl3jit.filter.internal.web;

import java.security.SecureRandom;
import java.util.Base64;

/** HTML escaping and the shell every page of the filter shares (self-contained, strict CSP with a nonce). */
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

    /** A whole page: {@code body} is trusted markup built with {@link #escape}. */
    static String page(String title, String body, String nonce, String script) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>" + escape(title) + "</title>"
                + "<style nonce=\"" + nonce + "\">" + CSS + "</style></head><body><main class=\"card\" aria-labelledby=\"title\">"
                + body + "</main>" + (script == null ? "" : "<script nonce=\"" + nonce + "\">" + script + "</script>")
                + "</body></html>";
    }

    private static final String CSS = """
            *{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
            font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f3f4f7;color:#1c2230;padding:1rem}\
            .card{background:#fff;max-width:34rem;width:100%;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08);\
            padding:2rem 2.25rem}h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:.5rem 0}.status{display:flex;gap:.75rem;\
            align-items:center;background:#f1f5fd;border-radius:8px;padding:.75rem 1rem;margin:1rem 0;font-weight:600}\
            .status.ok{background:#e7f6ec;color:#1c5e33}.status.bad{background:#fdecea;color:#8c1d18}\
            .spinner{width:1.1rem;height:1.1rem;border:3px solid #b9c8ea;border-top-color:#2d5bd0;border-radius:50%;\
            animation:spin 1s linear infinite;flex:none}@keyframes spin{to{transform:rotate(360deg)}}\
            @media (prefers-reduced-motion:reduce){.spinner{animation:none}}.meta{color:#566074;font-size:.92rem}\
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.75rem 0;padding:.6rem 1rem;background:#f8f9fb;border-radius:8px}dt{color:#566074}dd{margin:0;font-weight:600;overflow-wrap:anywhere}\
            blockquote{margin:.75rem 0;padding:.5rem 1rem;border-left:4px solid #d0d5df;background:#f8f9fb;white-space:pre-wrap}\
            .actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem;align-items:center}form{margin:0}\
            button,.button{font:inherit;padding:.5rem 1.1rem;border-radius:8px;border:1px solid #c3c9d5;background:#fff;\
            color:#1c2230;cursor:pointer;text-decoration:none;display:inline-block}.primary{background:#2d5bd0;\
            border-color:#2d5bd0;color:#fff}button:focus-visible,.button:focus-visible{outline:3px solid #8fb0ff;outline-offset:2px}\
            [hidden]{display:none!important}\
            """;
}
