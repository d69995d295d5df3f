package dev.nl3jit.filter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under the pending path: the pending page, the long-poll status endpoint, continue, cancel
 * and ask-again. A ticket only answers to the user it belongs to; anyone else gets 404.
 */
final class PendingEndpoint {
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final String pendingPath;
    private final GateRegistry registry;
    private final Clock clock;
    private final AsyncWait asyncWait = new AsyncWait();

    /** Serves every gate of {@code registry}; each ticket is rendered with the settings of the gate that owns it. */
    PendingEndpoint(String pendingPath, GateRegistry registry, Clock clock) {
        this.pendingPath = pendingPath;
        this.registry = registry;
        this.clock = clock;
    }

    /** Stops the long-poll scheduler. */
    void close() {
        asyncWait.close();
    }

    boolean handles(String pathInApp) {
        return pathInApp.equals(pendingPath) || pathInApp.startsWith(pendingPath + "/");
    }

    void handle(HttpServletRequest req, HttpServletResponse res, Principal user) throws IOException, ServletException {
        ClientKind kind = ClientKind.of(req, java.util.List.of());
        Answer answer = answer(req, res, user, kind);
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
            case "/cancel", "/retry" -> "POST";
            default -> null;
        };
        if (allowed == null) {
            return notFound(req, kind);
        }
        if (!allowed.equals(method) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            return Responder.problem(405, "method-not-allowed", "Method not allowed", "Use " + allowed + ".", Map.of(),
                    Map.of("Allow", allowed));
        }
        if ("POST".equals(method) && "cross-site".equalsIgnoreCase(req.getHeader("Sec-Fetch-Site"))) {
            return Responder.problem(403, "forbidden", "Cross-site request refused", "This form only works from the application.",
                    Map.of(), Map.of());
        }
        String ticket = req.getParameter("p");
        Optional<GateRegistry.Found> found = ticket == null ? Optional.empty() : registry.find(ticket, user);
        Responder responder = found.map(f -> new Responder(f.gate().settings())).orElse(null);
        switch (sub) {
            case "/status" -> {
                return status(req, found, responder);
            }
            case "/continue" -> {
                return proceed(req, found, responder);
            }
            case "/cancel" -> {
                if (found.isEmpty()) {
                    return notFound(req, kind);
                }
                PendingApproval cancelled = found.get().gate().cancel(found.get().approval());
                return kind == ClientKind.API ? statusAnswer(req, cancelled, false, responder)
                        : Responder.redirect(responder.links(req, cancelled.ticket()).page());
            }
            case "/retry" -> {
                if (found.isEmpty()) {
                    return Responder.redirect(req.getContextPath() + "/");
                }
                PendingApproval p = found.get().approval();
                if (p.status() == ApprovalStatus.PENDING) {
                    return Responder.redirect(responder.links(req, p.ticket()).page());
                }
                found.get().gate().forget(p);
                return Responder.redirect(back(req, p));
            }
            default -> {
                return page(req, res, found, kind, responder);
            }
        }
    }

    private static String back(HttpServletRequest req, PendingApproval p) {
        return Pages.replayable(p.method()) ? SafePaths.location(req, p.target()) : req.getContextPath() + "/";
    }

    private Answer page(HttpServletRequest req, HttpServletResponse res, Optional<GateRegistry.Found> found, ClientKind kind,
            Responder responder) throws IOException, ServletException {
        if (found.isEmpty()) {
            return notFound(req, kind);
        }
        PendingApproval p = found.get().approval();
        try {
            p = found.get().gate().refresh(p);
        } catch (Nl3Failure f) {
            // Keep waiting; the long poll reports the outage.
        }
        Pages.Links links = responder.links(req, p.ticket());
        if (kind == ClientKind.API) {
            return statusAnswer(req, p, false, responder);
        }
        String pendingPage = found.get().gate().settings().pendingPage();
        if (pendingPage != null) {
            forwardToApplicationPage(req, res, p, links, pendingPage);
            return null;
        }
        final PendingApproval shown = p;
        return switch (p.status()) {
            case PENDING -> Responder.html(200, nonce -> Pages.pending(shown, links, clock.instant(), nonce));
            case APPROVED -> Responder.redirect(links.proceed());
            case REJECTED -> Responder.html(200, nonce -> Pages.rejected(shown, links, nonce));
            default -> Responder.html(200, nonce -> Pages.ended(shown, links, nonce));
        };
    }

    private static void forwardToApplicationPage(HttpServletRequest req, HttpServletResponse res, PendingApproval p,
            Pages.Links links, String pendingPage) throws IOException, ServletException {
        req.setAttribute("nl3.approval.status", p.status().name());
        req.setAttribute("nl3.approval.type", p.approvalType().name());
        req.setAttribute("nl3.approval.approvers", p.approvers());
        req.setAttribute("nl3.approval.expiresAt", p.expiresAt());
        req.setAttribute("nl3.approval.comment", p.comment());
        req.setAttribute("nl3.approval.ticket", p.ticket());
        req.setAttribute("nl3.approval.replay", Pages.replayable(p.method()));
        req.setAttribute("nl3.approval.statusUrl", links.status());
        req.setAttribute("nl3.approval.cancelUrl", links.cancel());
        req.setAttribute("nl3.approval.retryUrl", links.retry());
        req.setAttribute("nl3.approval.continueUrl", links.proceed());
        res.setHeader("Cache-Control", "no-store");
        req.getRequestDispatcher(pendingPage).forward(req, res);
    }

    /** The status now, after waiting, or null when an asynchronous wait took the request over. */
    private Answer status(HttpServletRequest req, Optional<GateRegistry.Found> found, Responder responder) {
        if (found.isEmpty()) {
            return Responder.problem(404, "not-found", "No such approval request",
                    "The ticket is unknown, belongs to someone else, or was completed.", Map.of(), Map.of());
        }
        Duration wait = Duration.ZERO;
        String w = req.getParameter("wait");
        if (w != null) {
            try {
                long seconds = Long.parseLong(w);
                if (seconds < 0) {
                    throw new NumberFormatException();
                }
                wait = Duration.ofSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
            } catch (NumberFormatException e) {
                return Responder.problem(400, "bad-request", "Bad wait parameter", "wait must be whole seconds from 0 to 30.",
                        Map.of(), Map.of());
            }
        }
        PendingApproval p = found.get().approval();
        if (!wait.isZero() && req.isAsyncSupported()) {
            asyncWait.start(req, found.get().gate(), p, wait, (last, failed) -> statusAnswer(req, last, failed, responder));
            return null;
        }
        boolean unavailable = false;
        try {
            p = found.get().gate().awaitDecision(p, wait);
        } catch (Nl3Failure f) {
            unavailable = true;
        }
        return statusAnswer(req, p, unavailable, responder);
    }

    private static Answer statusAnswer(HttpServletRequest req, PendingApproval p, boolean unavailable, Responder responder) {
        Pages.Links links = responder.links(req, p.ticket());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", p.status().name());
        body.put("approvalType", p.approvalType().name());
        body.put("approvers", p.approvers());
        body.put("expiresAt", p.expiresAt().toString());
        body.put("comment", p.comment());
        body.put("replay", Pages.replayable(p.method()));
        body.put("continueUrl", links.proceed());
        body.put("unavailable", unavailable);
        return Responder.json(200, body,
                p.status() == ApprovalStatus.PENDING ? Map.of("Retry-After", responder.retryAfter()) : Map.of());
    }

    private static Answer proceed(HttpServletRequest req, Optional<GateRegistry.Found> found, Responder responder) {
        if (found.isEmpty()) {
            return Responder.redirect(req.getContextPath() + "/");
        }
        PendingApproval p = found.get().approval();
        if (p.status() != ApprovalStatus.APPROVED) {
            return Responder.redirect(responder.links(req, p.ticket()).page());
        }
        found.get().gate().forget(p);
        return Responder.redirect(back(req, p));
    }

    private static Answer notFound(HttpServletRequest req, ClientKind kind) {
        return kind == ClientKind.API
                ? Responder.problem(404, "not-found", "No such approval request",
                        "The ticket is unknown, belongs to someone else, or was completed.", Map.of(), Map.of())
                : Responder.html(404, nonce -> Pages.notFound(req.getContextPath() + "/", nonce));
    }
}
