package dev.nl3jit.sandbox;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One incoming HTTP request, read once: method, path, query, headers, body (capped). */
final class Req {
    static final int MAX_BODY = 64 * 1024;

    final HttpExchange exchange;
    final String method;
    final String path;
    final Map<String, String> query;
    private String body;
    /** The verified (or at least readable) claims of the call's token, for the call log. */
    Map<String, Object> claims = Map.of();
    String error;

    Req(HttpExchange exchange) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod();
        this.path = exchange.getRequestURI().getPath();
        this.query = parseForm(exchange.getRequestURI().getRawQuery());
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    String remoteIp() {
        return exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    boolean fromLoopback() {
        return exchange.getRemoteAddress().getAddress().isLoopbackAddress();
    }

    String body() throws IOException {
        if (body == null) {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(MAX_BODY + 1);
                if (bytes.length > MAX_BODY) {
                    throw new BadRequest(413, "payload_too_large", "request body larger than " + MAX_BODY + " bytes");
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
        }
        return body;
    }

    Map<String, Object> jsonBody() throws IOException {
        return Json.parseObject(body());
    }

    Map<String, String> formBody() throws IOException {
        return parseForm(body());
    }

    static Map<String, String> parseForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("malformed form or query encoding");
            }
        }
        return out;
    }
}
