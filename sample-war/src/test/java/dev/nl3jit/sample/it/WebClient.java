package dev.nl3jit.sample.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A cookie-keeping HTTP client that signs in with the container's FORM login and shows every redirect. */
final class WebClient {
    private final URI app;
    private final HttpClient http;

    WebClient(URI app) {
        this.app = app;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Signs in as {@code user} the way a browser does: protected page, login form, j_security_check. */
    WebClient login(String user) {
        HttpResponse<String> first = get("account");
        if (first.statusCode() == 302 || first.statusCode() == 303) {
            get(relative(first.headers().firstValue("Location").orElseThrow()));
        }
        HttpResponse<String> check = post("j_security_check", "j_username=" + user + "&j_password=pw");
        if (check.statusCode() != 302 && check.statusCode() != 303) {
            throw new AssertionError("login of " + user + " failed: " + check.statusCode() + " " + check.body());
        }
        HttpResponse<String> account = get("account");
        if (account.statusCode() != 200 || !account.body().contains("Signed in as <strong>" + user)) {
            throw new AssertionError("not signed in as " + user + ": " + account.statusCode());
        }
        return this;
    }

    /**
     * The anti-forgery token of this client's session, read from the hidden field of the form on {@code page}, as a
     * browser would send it back.
     */
    String csrf(String page) {
        HttpResponse<String> r = get(page);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new AssertionError("no anti-forgery token on " + page + ": " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    /** A path relative to the application, from an absolute or context-relative Location. */
    String relative(String location) {
        String path = URI.create(location).getPath();
        String query = URI.create(location).getRawQuery();
        String ctx = app.getPath();
        String rel = path.startsWith(ctx) ? path.substring(ctx.length()) : path;
        return (rel.startsWith("/") ? rel.substring(1) : rel) + (query == null ? "" : "?" + query);
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.resolve(path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    HttpResponse<String> post(String path, String form, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
