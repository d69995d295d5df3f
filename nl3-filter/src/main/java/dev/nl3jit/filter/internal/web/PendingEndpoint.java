package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.Answer;
import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.internal.store.KeptRequest;
import dev.nl3jit.filter.internal.util.LogOnce;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.Reason;
import dev.nl3jit.filter.internal.engine.ReasonDrafts;
import dev.nl3jit.filter.internal.engine.RequestFacts;
import dev.nl3jit.filter.internal.util.Shown;
import dev.nl3jit.filter.internal.engine.Tickets;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under the pending path: the pending page, the long-poll status endpoint, continue, cancel and
 * ask-again. Each ticket is handed to the engine that created it (its tag says which), which renders it with its
 * own settings. A ticket only answers to the user it belongs to; anyone else gets 404.
 */
public final class PendingEndpoint implements AutoCloseable {
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final LogOnce STORE_FAILURES = new LogOnce(System.getLogger(PendingEndpoint.class.getName()),
            Duration.ofMinutes(5));

    private final String pendingPath;
    private final EngineRegistry registry;
    private final AsyncWait asyncWait = new AsyncWait();

    /** A ticket found for its user, and the engine that owns it. */
    private record Found(WebEngine engine, StoredApproval approval) {
    }

    public PendingEndpoint(String pendingPath, EngineRegistry registry) {
        this.pendingPath = pendingPath;
        this.registry = registry;
    }

    /** Stops the long-poll scheduler. */
    @Override
    public void close() {
        asyncWait.close();
    }

    public boolean handles(String pathInApp) {
        return pathInApp.equals(pendingPath) || pathInApp.startsWith(pendingPath + "/");
    }

    /** Request attribute on the dispatch of a kept request Send now sent: the approval key whose grant use it took. */
    public static final String SENT_NOW = "dev.nl3jit.filter.sentNow";

    /** Serves a request under the pending path, after the user signed in. */
    public void serve(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
        Principal user = Authentication.require(req, res, List.of());
        if (user == null) {
            return;
        }
        ClientKind kind = ClientKind.of(req, List.of());
        Answer answer;
        try {
            answer = answer(req, res, user, kind);
        } catch (ApprovalStoreException e) {
            STORE_FAILURES.log(System.Logger.Level.ERROR, e.causeKey(),
                    "the approval store is unreachable ({0}); pending pages answer 503 until it answers", e.getMessage());
            answer = registry.any().map(engine -> engine.responder().unavailable(req, kind))
                    .orElseGet(() -> Answer.status(503).empty());
        }
        if (answer != null) {
            answer.writeTo(res);
        }
    }

    /** The answer, or null when the request was forwarded to the application's own page or continues asynchronously. */
    private Answer answer(HttpServletRequest req, HttpServletResponse res, Principal user, ClientKind kind)
            throws IOException, ServletException {
        String sub = SafePaths.pathInApp(req).substring(pendingPath.length());
        String method = req.getMethod();
        String allowed = switch (sub) {
            case "", "/", "/status", "/continue" -> "GET";
            case "/cancel", "/retry", "/send" -> "POST";
            case "/reason" -> method.equals("POST") ? "POST" : "GET";
            default -> null;
        };
        if (allowed == null) {
            return Responder.notFound(req, kind);
        }
        if (!allowed.equals(method) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            return Responder.problem(405, "method-not-allowed", "Method not allowed", "Use " + allowed + ".", Map.of(),
                    Map.of("Allow", allowed));
        }
        Answer malformed = malformed(req, sub, kind);
        if (malformed != null) {
            return malformed;
        }
        if ("POST".equals(method)) {
            // Read the small form first, so that even a refusal leaves the connection reusable.
            req.getParameterMap();
        }
        if ("POST".equals(method) && registry.owner(req.getParameter("p")).or(registry::any).map(e -> e.foreign(req))
                .orElse(false)) {
            // Cancel, ask again, the reason and Send now only from the application's own pages, as protected requests.
            return Responder.crossOrigin(req, kind);
        }
        if (sub.equals("/reason")) {
            return reason(req, user);
        }
        Optional<Found> found = find(req.getParameter("p"), user);
        return switch (sub) {
            case "/status" -> status(req, found);
            case "/continue" -> proceed(req, found);
            case "/cancel" -> cancel(req, found, kind);
            case "/retry" -> retry(req, found);
            case "/send" -> send(req, res, found, user);
            default -> page(req, res, found, kind);
        };
    }

    /**
     * What is malformed in the parameters of a request to the pending path, as a 400 answer, or {@code null}: a query
     * or form the container cannot read (a bad percent-escape), a missing {@code p}, a {@code p} no ticket could be
     * (over {@link Tickets#MAX_LENGTH} characters, or other than letters, digits, {@code -}, {@code _} and {@code .}),
     * a {@code wait} of {@code /status} that is not whole seconds, an over-long {@code token}. An unknown but
     * well-formed ticket is not malformed: it is answered 404 where it is looked up.
     */
    private static Answer malformed(HttpServletRequest req, String sub, ClientKind kind) {
        String p;
        String token;
        String wait;
        try {
            p = req.getParameter("p");
            token = req.getParameter("token");
            wait = req.getParameter("wait");
        } catch (RuntimeException e) {
            // The container refuses to decode the query or the form: its exception is never shown, nor logged as a fault.
            return badRequest(req, kind, null, "The query or form of this request cannot be read (a malformed percent-escape?).");
        }
        if (p == null || p.isEmpty()) {
            return badRequest(req, kind, "p", "The parameter p (the approval request's ticket) is missing.");
        }
        if (p.length() > Tickets.MAX_LENGTH || !p.chars().allMatch(PendingEndpoint::ticketChar)) {
            return badRequest(req, kind, "p", "The parameter p is not a ticket: at most " + Tickets.MAX_LENGTH
                    + " letters, digits, '-', '_' and '.'.");
        }
        if (sub.equals("/status") && waitOf(wait) == null) {
            return badRequest(req, kind, "wait", "The parameter wait must be whole seconds from 0 to " + MAX_WAIT.toSeconds() + ".");
        }
        if (sub.equals("/send") && token != null && token.length() > Tickets.MAX_LENGTH) {
            return badRequest(req, kind, "token", "The parameter token is longer than any token of this application.");
        }
        return null;
    }

    /** A status request's wait: none is 0, more than {@link #MAX_WAIT} is {@link #MAX_WAIT}; {@code null} when malformed. */
    private static Duration waitOf(String w) {
        if (w == null) {
            return Duration.ZERO;
        }
        try {
            long seconds = Long.parseLong(w);
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean ticketChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
    }

    /** 400: problem+json {@code bad-request} naming the parameter for API clients, a page for browsers. */
    private static Answer badRequest(HttpServletRequest req, ClientKind kind, String parameter, String detail) {
        if (kind == ClientKind.API) {
            return Responder.problem(400, "bad-request", "Bad request", detail,
                    parameter == null ? Map.of() : Map.of("parameter", parameter), Map.of());
        }
        return Responder.html(400, nonce -> Pages.badRequest(detail, req.getContextPath() + "/", nonce));
    }

    /** GET: the reason form of the user's draft; POST: sends the approval request with the reason typed. */
    private Answer reason(HttpServletRequest req, Principal user) {
        String id = req.getParameter("p");
        Optional<WebEngine> engine = registry.owner(id);
        String name = engine.map(e -> e.engine().username(user)).orElse(null);
        Optional<ReasonDrafts.Draft> draft = engine.flatMap(e -> e.engine().drafts().find(id, name));
        if (draft.isEmpty()) {
            return Responder.notFound(req, ClientKind.BROWSER);
        }
        if (req.getMethod().equals("GET") || req.getMethod().equals("HEAD")) {
            return engine.get().responder().reasonPage(req, draft.get(), null);
        }
        String reason = RequestFacts.cleanReason(req.getParameter("reason"));
        int limit = engine.get().engine().maxValueLength();
        if (reason != null && Shown.length(reason) > limit) {
            return engine.get().responder().reasonPage(req, draft.get(), "Your reason is " + Shown.length(reason)
                    + " characters long; the approver can be shown at most " + limit + ". Please shorten it.");
        }
        boolean skip = req.getParameter("skip") != null && draft.get().protection().reason() == Reason.OPTIONAL;
        if (reason == null && !skip) {
            return engine.get().responder().reasonPage(req, draft.get(), draft.get().protection().reason() == Reason.REQUIRED
                    ? "Please give a reason: the approver sees it with the request." : "Type a reason, or send without one.");
        }
        return engine.get().withReason(req, id, name, reason).map(r -> r.answer().orElseThrow())
                .orElseGet(() -> Responder.notFound(req, ClientKind.BROWSER));
    }

    private Optional<Found> find(String ticket, Principal user) {
        return registry.owner(ticket).flatMap(e -> e.ticket(ticket, user).map(p -> new Found(e, p)));
    }

    private static Answer page(HttpServletRequest req, HttpServletResponse res, Optional<Found> found, ClientKind kind)
            throws IOException, ServletException {
        if (found.isEmpty()) {
            return Responder.notFound(req, kind);
        }
        WebEngine engine = found.get().engine();
        StoredApproval p = found.get().approval();
        try {
            p = engine.engine().tracker().refresh(p);
        } catch (Nl3Failure f) {
            // Keep waiting; the long poll reports the outage.
        }
        if (kind == ClientKind.API) {
            return engine.responder().status(req, p, false);
        }
        return engine.responder().page(req, res, p, sendToken(req, engine, p));
    }

    /**
     * A fresh one-time Send now token for an approved, kept request of this session (its digest replaces any earlier
     * one on the ticket, so only the newest page can send), or {@code null}.
     */
    private static String sendToken(HttpServletRequest req, WebEngine engine, StoredApproval p) {
        return engine.engine().sendToken(p, Sessions.hash(req));
    }

    /**
     * Send now: the kept request runs once, exactly as kept, for the user and session that asked, with the one-time
     * token of their page, while the grant lasts. The token and the kept request are taken from the ticket in one
     * atomic step, then one use of the grant; only then is the request dispatched to the protected resource.
     */
    private static Answer send(HttpServletRequest req, HttpServletResponse res, Optional<Found> found, Principal user)
            throws IOException, ServletException {
        if (found.isEmpty()) {
            return Responder.notFound(req, ClientKind.BROWSER);
        }
        WebEngine engine = found.get().engine();
        StoredApproval p = found.get().approval();
        KeptRequest kept = p.kept();
        switch (engine.engine().send(p, req.getParameter("token"), Sessions.hash(req))) {
            case ALREADY:
                return Responder.notSent(req, 409, "This request was sent already.");
            case NOT_HERE:
                return Responder.notSent(req, 409, "This request cannot be sent from here.");
            case OTHER_SESSION:
                return Responder.notSent(req, 403, "This request can only be sent from the session that made it.");
            case GRANT_GONE:
                return Responder.notSent(req, 403, "The approval was used already or has ended; ask again.");
            case SENT:
            default:
                break;
        }
        KeptRequestWrapper sent = new KeptRequestWrapper(req, kept);
        // Send now took the grant's use: a framework's own check further in (a handler interceptor) lets this pass once.
        sent.setAttribute(SENT_NOW, p.key().approvalKey());
        try {
            req.getRequestDispatcher(kept.target()).forward(sent, res);
        } finally {
            req.removeAttribute(SENT_NOW);
        }
        return null;
    }

    /** The status now, after waiting, or null when an asynchronous wait took the request over. */
    private Answer status(HttpServletRequest req, Optional<Found> found) {
        if (found.isEmpty()) {
            return Responder.notFound(req, ClientKind.API);
        }
        Duration wait = waitOf(req.getParameter("wait"));
        WebEngine engine = found.get().engine();
        StoredApproval p = found.get().approval();
        if (!wait.isZero() && req.isAsyncSupported()) {
            asyncWait.start(req, engine.engine().tracker(), p, wait, (last, failed) -> engine.responder().status(req, last, failed));
            return null;
        }
        boolean unavailable = false;
        try {
            p = engine.engine().tracker().awaitDecision(p, wait, true);
        } catch (Nl3Failure f) {
            unavailable = true;
        }
        return engine.responder().status(req, p, unavailable);
    }

    private static Answer proceed(HttpServletRequest req, Optional<Found> found) {
        if (found.isEmpty()) {
            return Responder.redirect(req.getContextPath() + "/");
        }
        StoredApproval p = found.get().approval();
        if (p.status() != ApprovalStatus.APPROVED) {
            return Responder.redirect(found.get().engine().responder().links(req, p.ticket()).page());
        }
        found.get().engine().engine().tracker().forget(p);
        return Responder.redirect(Responder.back(req, p));
    }

    private static Answer cancel(HttpServletRequest req, Optional<Found> found, ClientKind kind) {
        if (found.isEmpty()) {
            return Responder.notFound(req, kind);
        }
        WebEngine engine = found.get().engine();
        StoredApproval cancelled = engine.engine().tracker().cancel(found.get().approval());
        return kind == ClientKind.API ? engine.responder().status(req, cancelled, false)
                : Responder.redirect(engine.responder().links(req, cancelled.ticket()).page());
    }

    private static Answer retry(HttpServletRequest req, Optional<Found> found) {
        if (found.isEmpty()) {
            return Responder.redirect(req.getContextPath() + "/");
        }
        StoredApproval p = found.get().approval();
        if (p.status() == ApprovalStatus.PENDING) {
            return Responder.redirect(found.get().engine().responder().links(req, p.ticket()).page());
        }
        found.get().engine().engine().tracker().forget(p);
        return Responder.redirect(Responder.back(req, p));
    }
}
