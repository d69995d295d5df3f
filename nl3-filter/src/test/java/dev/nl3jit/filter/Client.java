package dev.nl3jit.filter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** A real HTTP client that signs in with BASIC and never follows redirects, so tests see every step. */
final class Client {
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String user;

    private Client(String user) {
        this.user = user;
    }

    static Client as(String user) {
        return new Client(user);
    }

    static Client anonymous() {
        return new Client(null);
    }

    HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + AppServer.PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return b;
    }

    Response get(URI uri, String... headers) {
        HttpRequest.Builder b = request(uri).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    Response postForm(URI uri, String form, String... headers) {
        HttpRequest.Builder b = request(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** Any method with a body of the given type. */
    Response send(URI uri, String method, String contentType, String body, String... headers) {
        HttpRequest.Builder b = request(uri).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body, java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static Response send(HttpRequest request) {
        return send(HTTP, request);
    }

    /** Through another client (e.g. one that keeps cookies). */
    static Response send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String location() {
            return header("Location");
        }

        Map<String, Object> json() {
            try {
                return JsonUtil.parseJson(body);
            } catch (JoseException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }
}
