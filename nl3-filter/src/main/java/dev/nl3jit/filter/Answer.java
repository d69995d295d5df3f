package dev.nl3jit.filter;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rendered HTTP answer to a request that may not proceed (pending, rejected, not available,
 * unavailable, sign-in required): the same bytes whether the filter, the CDI interceptor or a JAX-RS
 * exception mapper sends them. Made by the library only.
 */
public final class Answer {
    private final int status;
    private final String contentType;
    private final Map<String, String> headers;
    private final String body;

    public Answer(int status, String contentType, Map<String, String> headers, String body) {
        this.status = status;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The body's media type, or {@code null} without a body. */
    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body, or {@code null} for none. */
    public String body() {
        return body;
    }

    /** The same answer with one more header (or {@code name} replaced). */
    public Answer with(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new Answer(status, contentType, h, body);
    }

    /**
     * Writes status, headers and body in place of anything the response buffered so far; does nothing when the
     * response is already committed.
     */
    public void writeTo(HttpServletResponse res) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.setStatus(status);
        headers.forEach(res::setHeader);
        if (body == null) {
            return;
        }
        res.setContentType(contentType);
        res.setCharacterEncoding("UTF-8");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // Whatever the application buffered before it asked for an approval is not part of this answer.
        res.resetBuffer();
        // With its length known the container sends the answer in one piece (no chunks) as soon as it is written.
        res.setContentLength(bytes.length);
        jakarta.servlet.ServletOutputStream out;
        try {
            out = res.getOutputStream();
        } catch (IllegalStateException e) {
            // The application took the writer before a protected bean further down asked for an approval.
            PrintWriter w = res.getWriter();
            w.write(body);
            w.flush();
            return;
        }
        out.write(bytes);
    }

    public static Builder status(int status) {
        return new Builder(status);
    }

    public static final class Builder {
        private final int status;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(int status) {
            this.status = status;
            headers.put("Cache-Control", "no-store");
            headers.put("X-Content-Type-Options", "nosniff");
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Answer body(String contentType, String body) {
            return new Answer(status, contentType, headers, body);
        }

        public Answer empty() {
            return new Answer(status, null, headers, null);
        }
    }
}
