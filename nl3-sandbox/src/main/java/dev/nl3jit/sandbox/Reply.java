package dev.nl3jit.sandbox;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer to write: status, content type, body and extra headers. */
record Reply(int status, String contentType, String body, Map<String, String> headers) {

    static Reply json(int status, Map<String, ?> body) {
        return new Reply(status, "application/json", Json.write(body), new LinkedHashMap<>());
    }

    static Reply error(int status, String error, String message) {
        return json(status, Json.object("error", error, "message", message));
    }

    static Reply html(int status, String html) {
        return new Reply(status, "text/html; charset=utf-8", html, new LinkedHashMap<>());
    }

    static Reply empty(int status) {
        return new Reply(status, null, null, new LinkedHashMap<>());
    }

    static Reply redirect(String location) {
        Reply r = empty(303);
        r.headers().put("Location", location);
        return r;
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    void write(HttpExchange exchange) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
