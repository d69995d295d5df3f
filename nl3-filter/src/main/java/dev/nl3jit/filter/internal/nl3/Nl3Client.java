package dev.nl3jit.filter.internal.nl3;

import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.ApprovalType;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.TokenMinter;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The NL3 API over {@link Nl3Http}: explicit timeouts, the headers NL3's integrations send, a cap on the response
 * size, lenient parsing, typed failures that keep NL3's own reason, and no automatic retry.
 */
public final class Nl3Client {
    static final String TOKEN_HEADER = "x-nl3-authorization-token";
    private static final String API = "/nl3/api/v1/";

    /** The end user's device: their's address and browser, passed on as NL3's integrations do. */
    public record Device(String ip, String userAgent) {
    }

    /** A freshly created approval request. */
    public record Created(String requestId, ApprovalStatus status, ApprovalType approvalType, Instant expiresAt) {
    }

    /** The status of an approval request. */
    public record Report(ApprovalStatus status, ApprovalType approvalType, Instant decidedAt, String decidedBy, String comment,
            Instant expiresAt, String signer, Instant signedAt) {
    }

    /** What a status check reports when NL3 no longer knows the request (404): as good as expired. */
    public static final Report FORGOTTEN = new Report(ApprovalStatus.EXPIRED, null, null, null, null, null, null, null);

    private final Nl3Http http;
    private final TokenMinter minter;
    private final String base;
    /** Every call of this client counts against it ({@code nl3.max-status-calls}). */
    private final Nl3Budget budget;

    /** Told of every call and failure, for operators. */
    public interface Calls {
        /** A call to NL3 was made. */
        void call();

        /** A call to NL3 failed; {@code call} names it ({@code lock check}, {@code status check}, ...). */
        void failed(Nl3Failure failure, String call);

        /** A call to NL3 got an answer this client could read (whatever it said). */
        default void answered() {
        }
    }

    private final Calls metrics;

    public Nl3Client(Nl3Settings settings, TokenMinter minter, Nl3Http http) {
        this(settings, minter, http, null, new Nl3Budget(settings.maxStatusCalls()));
    }

    /**
     * @param metrics counts calls and failures for operators, or {@code null}
     * @param budget  the engine's calls per second, which every call of this client takes from
     */
    public Nl3Client(Nl3Settings settings, TokenMinter minter, Nl3Http http, Calls metrics, Nl3Budget budget) {
        this.metrics = metrics;
        this.budget = budget;
        this.http = http;
        this.minter = minter;
        String b = settings.apiBaseUrl().toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    /** The HTTP transport for these settings; close it with the engine. */
    public static Nl3Http newHttp(Nl3Settings settings) {
        return new Nl3Http(settings.connectTimeout(), settings.readTimeout(), settings.maxResponseBytes(),
                settings.callThreads(), settings.callQueue());
    }

    /** The URL of an endpoint, for messages (without any user-info of the base URL). */
    String endpoint(String path) {
        return (base + API + path).replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    /** The calls per second this client's calls take from. */
    public Nl3Budget budget() {
        return budget;
    }

    /**
     * A lock check a user waits for (before their approval request, before their grant is recorded): first call of the
     * budget, waiting for room at most {@link Nl3Budget#USER_WAIT_NANOS}.
     *
     * @throws Nl3Failure also {@link Nl3Failure.Reason#BUSY} when the budget had no room
     */
    public Nl3Json.Lock lockCheck(String user, Device caller) throws Nl3Failure {
        userCall("lock check");
        return lockCheckTaken(user, caller);
    }

    private Nl3Json.Lock lockCheckTaken(String user, Device caller) throws Nl3Failure {
        try {
            return answered(doLockCheck(user, caller));
        } catch (Nl3Failure f) {
            if (metrics != null) {
                metrics.failed(f, "lock check");
            }
            throw f;
        }
    }

    private Nl3Json.Lock doLockCheck(String user, Device caller) throws Nl3Failure {
        return lock(send("POST", "accountProtectionCheck", user, caller, lockBody(caller)));
    }

    /**
     * A background lock check (no end user's device) holding no thread while NL3 answers, its call taken from
     * {@link #budget()} by the caller ({@link Nl3Budget.Use#LOCK_RECHECK}) beforehand. The future fails with an
     * {@link Nl3Failure}; it completes on the HTTP client's threads, so what follows must not block there.
     */
    public CompletableFuture<Nl3Json.Lock> lockCheckAsync(String user) {
        Device none = new Device(null, null);
        Map<String, String> headers = headers(user, none);
        headers.put("Content-Type", "application/json");
        byte[] body = Nl3Json.write(lockBody(none)).getBytes(StandardCharsets.UTF_8);
        return async("lock check", "accountProtectionCheck",
                () -> http.exchangeAsync("POST", URI.create(base + API + "accountProtectionCheck"), headers, body), this::lock);
    }

    private static Map<String, Object> lockBody(Device caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userIP", nullToEmpty(caller.ip()));
        body.put("userDevice", nullToEmpty(caller.userAgent()));
        body.put("userLocation", "");
        body.put("integrationType", "java-servlet");
        body.put("integrationData", Map.of());
        return body;
    }

    private Nl3Json.Lock lock(Nl3Http.Answer r) throws Nl3Failure {
        if (r.status() != 200) {
            throw refused(endpoint("accountProtectionCheck"), r);
        }
        return Nl3Json.lock(Nl3Json.parse(r.body()));
    }

    /** Creates an approval request; a 403 means NL3 refuses this requester (locked). */
    public Created create(String user, String templateId, List<String> approvers, Map<String, String> metaData, Device caller)
            throws Nl3Failure {
        userCall("approval request");
        try {
            return answered(doCreate(user, templateId, approvers, metaData, caller));
        } catch (Nl3Failure f) {
            if (metrics != null) {
                metrics.failed(f, "approval request");
            }
            throw f;
        }
    }

    private Created doCreate(String user, String templateId, List<String> approvers, Map<String, String> metaData, Device caller)
            throws Nl3Failure {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("templateId", templateId);
        body.put("approvers", approvers);
        body.put("metaData", metaData);
        Nl3Http.Answer r = send("POST", "approvalRequest", user, caller, body);
        if (r.status() != 200 && r.status() != 201) {
            throw refused(endpoint("approvalRequest"), r);
        }
        Map<String, Object> json = Nl3Json.parse(r.body());
        String id = Nl3Json.requestId(json);
        if (id == null) {
            throw new Nl3Failure(Nl3Failure.Reason.UNPARSABLE, 0, "approval request created without an id; fields: "
                    + new java.util.TreeSet<>(json.keySet()));
        }
        // A created request with no status is pending; a status that cannot be read is a failure.
        boolean hasStatus = json.containsKey("approved") || Nl3Json.STATUS_FIELDS.stream().anyMatch(json::containsKey);
        return new Created(id, hasStatus ? Nl3Json.status(json) : ApprovalStatus.PENDING,
                Nl3Json.approvalType(json, ApprovalType.APPROVE), Nl3Json.instant(json, "expiresAt"));
    }

    /** A status check taken from the budget as a user's call (the waiting pages' checks take theirs, see {@link #statusAsync}). */
    public Report status(String user, String requestId) throws Nl3Failure {
        userCall("status check");
        try {
            return answered(doStatus(user, requestId));
        } catch (Nl3Failure f) {
            if (metrics != null) {
                metrics.failed(f, "status check");
            }
            throw f;
        }
    }

    /**
     * As {@link #status}, holding no thread while NL3 answers (waiting pages), its call taken from {@link #budget()} by
     * the caller ({@link Nl3Budget.Use#STATUS}) beforehand. The future fails with an {@link Nl3Failure}.
     */
    public CompletableFuture<Report> statusAsync(String user, String requestId) {
        Map<String, String> headers = headers(user, null);
        return async("status check", "approvalRequest/{id}",
                () -> http.exchangeAsync("GET", URI.create(base + API + "approvalRequest/" + encode(requestId)), headers, null),
                this::report);
    }

    /** What an answer says, or why it says nothing usable. */
    private interface Reading<T> {
        T read(Nl3Http.Answer answer) throws Nl3Failure;
    }

    /**
     * An exchange started and counted as a call, read once answered; its failures reported as {@code call}'s and, when
     * no answer came, saying where ({@code path}, as in messages of calls that wait).
     */
    private <T> CompletableFuture<T> async(String call, String path,
            Supplier<CompletableFuture<Nl3Http.Answer>> exchange,
            Reading<T> reading) {
        if (metrics != null) {
            metrics.call();
        }
        return exchange.get().handle((r, e) -> {
            if (e != null) {
                Throwable cause = unwrap(e);
                throw new CompletionException(cause instanceof Nl3Failure f
                        ? new Nl3Failure(f.reason(), f.status(), f.getMessage() + " at " + endpoint(path), f.nl3Text())
                        : cause);
            }
            try {
                return reading.read(r);
            } catch (Nl3Failure f) {
                throw new CompletionException(f);
            }
        }).whenComplete((r, e) -> {
            if (metrics == null) {
                return;
            }
            if (e == null) {
                metrics.answered();
            } else if (unwrap(e) instanceof Nl3Failure f) {
                metrics.failed(f, call);
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Where to go on after {@link #statusAsync} when what follows may block (see {@link Nl3Http#blocking()}). */
    public Executor blocking() {
        return http.blocking();
    }

    private Report doStatus(String user, String requestId) throws Nl3Failure {
        return report(send("GET", "approvalRequest/" + encode(requestId), user, null, null));
    }

    private Report report(Nl3Http.Answer r) throws Nl3Failure {
        if (r.status() == 404) {
            // NL3 forgot it: as good as expired, start over.
            return FORGOTTEN;
        }
        if (r.status() != 200) {
            throw refused(endpoint("approvalRequest/{id}"), r);
        }
        Map<String, Object> json = Nl3Json.parse(r.body());
        Map<String, Object> signature = Nl3Json.object(json, "signature");
        return new Report(Nl3Json.status(json), Nl3Json.approvalType(json, null), Nl3Json.instant(json, "decidedAt"),
                Nl3Json.string(json, "decidedBy"), Nl3Json.string(json, "comment"), Nl3Json.instant(json, "expiresAt"),
                signature == null ? null : Nl3Json.string(signature, "signer"),
                signature == null ? null : Nl3Json.instant(signature, "signedAt"));
    }

    public void cancel(String user, String requestId) throws Nl3Failure {
        userCall("cancel");
        try {
            doCancel(user, requestId);
            answered(null);
        } catch (Nl3Failure f) {
            if (metrics != null) {
                metrics.failed(f, "cancel");
            }
            throw f;
        }
    }

    private void doCancel(String user, String requestId) throws Nl3Failure {
        Nl3Http.Answer r = send("POST", "approvalRequest/" + encode(requestId) + "/cancel", user, null, null);
        if (r.status() != 200 && r.status() != 204 && r.status() != 404 && r.status() != 409) {
            throw refused(endpoint("approvalRequest/{id}/cancel"), r);
        }
    }

    /** Tells the metrics that NL3 answered; returns {@code value}. */
    private <T> T answered(T value) {
        if (metrics != null) {
            metrics.answered();
        }
        return value;
    }

    /** Takes a user's call from the budget, waiting a little for room; none: busy, the request gets 503. */
    private void userCall(String call) throws Nl3Failure {
        if (!budget.take(Nl3Budget.Use.USER, Nl3Budget.USER_WAIT_NANOS)) {
            Nl3Failure f = new Nl3Failure(Nl3Failure.Reason.BUSY, 0, "over nl3.max-status-calls (" + budget.perSecond()
                    + " NL3 calls a second): no room for the " + call + " within a second");
            if (metrics != null) {
                metrics.failed(f, call);
            }
            throw f;
        }
    }

    /** One request: a fresh token for {@code user}, the end user's device where known, a JSON body or none. */
    private Nl3Http.Answer send(String method, String path, String user, Device caller, Map<String, Object> body)
            throws Nl3Failure {
        Map<String, String> headers = headers(user, caller);
        byte[] bytes = null;
        if (body != null) {
            headers.put("Content-Type", "application/json");
            bytes = Nl3Json.write(body).getBytes(StandardCharsets.UTF_8);
        } else if (method.equals("POST")) {
            bytes = new byte[0];
        }
        if (metrics != null) {
            metrics.call();
        }
        try {
            return http.exchange(method, URI.create(base + API + path), headers, bytes);
        } catch (Nl3Failure f) {
            // Say where: an unreachable or slow NL3 is found by its address (the token travels in a header, never here).
            throw new Nl3Failure(f.reason(), f.status(), f.getMessage() + " at " + endpoint(path), f.nl3Text());
        }
    }

    private Map<String, String> headers(String user, Device caller) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(TOKEN_HEADER, minter.mint(user));
        headers.put("Accept", "application/json");
        if (caller != null) {
            if (caller.ip() != null && !caller.ip().isBlank()) {
                headers.put("x-forwarded-for", clean(caller.ip()));
            }
            if (caller.userAgent() != null && !caller.userAgent().isBlank()) {
                headers.put("User-Agent", clean(caller.userAgent()));
            }
        }
        return headers;
    }

    /** A refusal or an error of NL3, with NL3's own reason (bounded) and its kind. */
    private static Nl3Failure refused(String endpoint, Nl3Http.Answer r) {
        return new Nl3Failure(Nl3Failure.Reason.HTTP_STATUS, r.status(), "NL3 answered HTTP " + r.status() + " at " + endpoint,
                Nl3Json.errorText(r.body()));
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
