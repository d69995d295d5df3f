package dev.nl3jit.filter;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The NL3 API over {@code java.net.http.HttpClient}: explicit timeouts, the headers NL3's integrations
 * send, a cap on the response size, lenient parsing, typed failures, and no automatic retry.
 */
final class Nl3Client {
    static final String TOKEN_HEADER = "x-nl3-authorization-token";
    private static final String API = "/nl3/api/v1/";

    /** The end user's device: their's address and browser, passed on as NL3's integrations do. */
    record Device(String ip, String userAgent) {
    }

    /** A freshly created approval request. */
    record Created(String requestId, ApprovalStatus status, ApprovalType approvalType, Instant expiresAt) {
    }

    /** The status of an approval request. */
    record Report(ApprovalStatus status, ApprovalType approvalType, Instant decidedAt, String decidedBy, String comment,
            Instant expiresAt, String signer, Instant signedAt) {
    }

    private final HttpClient http;
    private final TokenMinter minter;
    private final String base;
    private final Duration readTimeout;
    private final Duration overall;
    private final int maxBytes;

    Nl3Client(Nl3Settings settings, TokenMinter minter, HttpClient http) {
        this.http = http;
        this.minter = minter;
        String b = settings.apiBaseUrl().toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.readTimeout = settings.readTimeout();
        this.overall = settings.connectTimeout().plus(settings.readTimeout());
        this.maxBytes = settings.maxResponseBytes();
    }

    static HttpClient newHttpClient(Nl3Settings settings, java.util.concurrent.Executor executor) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
    }

    Nl3Json.Lock lockCheck(String user, Device caller) throws Nl3Failure {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userIP", nullToEmpty(caller.ip()));
        body.put("userDevice", nullToEmpty(caller.userAgent()));
        body.put("userLocation", "");
        body.put("integrationType", "java-servlet");
        body.put("integrationData", Map.of());
        HttpResponse<byte[]> r = send(post(API + "accountProtectionCheck", user, caller, body));
        expect(r, 200);
        return Nl3Json.lock(Nl3Json.parse(r.body()));
    }

    /** Creates an approval request; a 403 means NL3 refuses this requester (locked). */
    Created create(String user, String templateId, List<String> approvers, Map<String, String> metaData, Device caller)
            throws Nl3Failure {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("templateId", templateId);
        body.put("approvers", approvers);
        body.put("metaData", metaData);
        HttpResponse<byte[]> r = send(post(API + "approvalRequest", user, caller, body));
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            expect(r, 201);
        }
        Map<String, Object> json = Nl3Json.parse(r.body());
        String id = Nl3Json.requestId(json);
        if (id == null) {
            throw new Nl3Failure(Nl3Failure.Reason.UNPARSABLE, 0, "approval request created without an id");
        }
        return new Created(id, Nl3Json.status(json), Nl3Json.approvalType(json, ApprovalType.APPROVE),
                Nl3Json.instant(json, "expiresAt"));
    }

    Report status(String user, String requestId) throws Nl3Failure {
        HttpRequest request = request(API + "approvalRequest/" + encode(requestId), user, null).GET().build();
        HttpResponse<byte[]> r = send(request);
        if (r.statusCode() == 404) {
            // NL3 forgot it: as good as expired, start over.
            return new Report(ApprovalStatus.EXPIRED, null, null, null, null, null, null, null);
        }
        expect(r, 200);
        Map<String, Object> json = Nl3Json.parse(r.body());
        Map<String, Object> signature = Nl3Json.object(json, "signature");
        return new Report(Nl3Json.status(json), Nl3Json.approvalType(json, null), Nl3Json.instant(json, "decidedAt"),
                Nl3Json.string(json, "decidedBy"), Nl3Json.string(json, "comment"), Nl3Json.instant(json, "expiresAt"),
                signature == null ? null : Nl3Json.string(signature, "signer"),
                signature == null ? null : Nl3Json.instant(signature, "signedAt"));
    }

    void cancel(String user, String requestId) throws Nl3Failure {
        HttpRequest request = request(API + "approvalRequest/" + encode(requestId) + "/cancel", user, null)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> r = send(request);
        if (r.statusCode() != 200 && r.statusCode() != 204 && r.statusCode() != 404 && r.statusCode() != 409) {
            expect(r, 200);
        }
    }

    private HttpRequest post(String path, String user, Device caller, Map<String, Object> body) {
        return request(path, user, caller).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Nl3Json.write(body), StandardCharsets.UTF_8)).build();
    }

    private HttpRequest.Builder request(String path, String user, Device caller) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(readTimeout)
                .header(TOKEN_HEADER, minter.mint(user)).header("Accept", "application/json");
        if (caller != null) {
            if (caller.ip() != null && !caller.ip().isBlank()) {
                b.header("x-forwarded-for", caller.ip());
            }
            if (caller.userAgent() != null && !caller.userAgent().isBlank()) {
                b.header("User-Agent", clean(caller.userAgent()));
            }
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws Nl3Failure {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, LimitedBody.handler(maxBytes));
        try {
            return future.get(overall.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + overall.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new Nl3Failure(Nl3Failure.Reason.INTERRUPTED, 0, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LimitedBody.TooLarge || cause != null && cause.getCause() instanceof LimitedBody.TooLarge) {
                throw new Nl3Failure(Nl3Failure.Reason.TOO_LARGE, 0, "response larger than " + maxBytes + " bytes");
            }
            if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
                throw new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "cannot connect: " + cause.getClass().getSimpleName());
            }
            if (cause instanceof HttpTimeoutException) {
                throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer within " + readTimeout.toMillis() + " ms");
            }
            if (cause instanceof IOException) {
                throw new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "connection failed: " + cause.getClass().getSimpleName());
            }
            throw new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "call failed: " + String.valueOf(cause));
        }
    }

    private static void expect(HttpResponse<byte[]> r, int status) throws Nl3Failure {
        if (r.statusCode() != status) {
            throw new Nl3Failure(Nl3Failure.Reason.HTTP_STATUS, r.statusCode(), "NL3 answered HTTP " + r.statusCode());
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Header values must not carry control characters. */
    private static String clean(String s) {
        String c = s.replaceAll("[\\p{Cntrl}]", " ");
        return c.length() > 512 ? c.substring(0, 512) : c;
    }
}
