package dev.nl3jit.filter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under the pending path: the pending page, the long-poll status endpoint, continue, cancel
 * and ask-again. A ticket only answers to the user it belongs to; anyone else gets 404.
 */
final class PendingEndpoint {
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final Nl3Settings settings;
    private final Responder responder;
    private final GateRegistry registry;
    private final Clock clock;

    PendingEndpoint(Nl3Settings settings, Responder responder, GateRegistry registry, Clock clock) {
        this.settings = settings;
        this.responder = responder;
        this.registry = registry;
        this.clock = clock;
    }

    boolean handles(String pathInApp) {
        return pathInApp.equals(settings.pendingPath()) || pathInApp.startsWith(settings.pendingPath() + "/");
    }

    void handle(HttpServletRequest req, HttpServletResponse res, String user) throws IOException, ServletException {
        String sub = SafePaths.pathInApp(req).substring(settings.pendingPath().length());
        ClientKind kind = ClientKind.of(req, settings.apiPaths());
        boolean post = "POST".equals(req.getMethod());
        if (post && "cross-site".equalsIgnoreCase(req.getHeader("Sec-Fetch-Site"))) {
            Responder.problem(res, 403, "forbidden", "Cross-site request refused", "This form only works from the application.",
                    Map.of());
            return;
        }
        String ticket = req.getParameter("p");
        Optional<GateRegistry.Found> found = ticket == null ? Optional.empty() : registry.find(ticket, user);
        switch (sub) {
            case "", "/" -> {
                requireMethod(req, "GET");
                page(req, res, found, kind);
            }
            case "/status" -> {
                requireMethod(req, "GET");
                status(req, res, found);
            }
            case "/continue" -> {
                requireMethod(req, "GET");
                proceed(req, res, found);
            }
            case "/cancel" -> {
                requireMethod(req, "POST");
                if (found.isEmpty()) {
                    notFound(req, res, kind);
                    return;
                }
                PendingApproval cancelled = found.get().gate().cancel(found.get().approval());
                if (kind == ClientKind.API) {
                    statusAnswer(req, res, cancelled, false);
                } else {
                    Responder.redirect(res, responder.links(req, cancelled.ticket()).page());
                }
            }
            case "/retry" -> {
                requireMethod(req, "POST");
                if (found.isEmpty()) {
                    Responder.redirect(res, req.getContextPath() + "/");
                    return;
                }
                PendingApproval p = found.get().approval();
                if (p.status() == ApprovalStatus.PENDING) {
                    Responder.redirect(res, responder.links(req, p.ticket()).page());
                    return;
                }
                found.get().gate().forget(p);
                Responder.redirect(res, Pages.replayable(p.method()) ? SafePaths.location(req, p.target()) : req.getContextPath() + "/");
            }
            default -> notFound(req, res, kind);
        }
    }

    private static void requireMethod(HttpServletRequest req, String method) throws ServletException {
        if (!method.equals(req.getMethod()) && !("GET".equals(method) && "HEAD".equals(req.getMethod()))) {
            throw new MethodNotAllowed(method);
        }
    }

    /** Thrown for a wrong method; the filter answers 405. */
    static final class MethodNotAllowed extends ServletException {
        private static final long serialVersionUID = 1L;
        final String allowed;

        MethodNotAllowed(String allowed) {
            super("method not allowed");
            this.allowed = allowed;
        }
    }

    private void page(HttpServletRequest req, HttpServletResponse res, Optional<GateRegistry.Found> found, ClientKind kind)
            throws IOException, ServletException {
        if (found.isEmpty()) {
            notFound(req, res, kind);
            return;
        }
        PendingApproval p = found.get().approval();
        try {
            p = found.get().gate().refresh(p);
        } catch (Nl3Failure f) {
            // Keep waiting; the page says so when the long poll sees the same.
        }
        Pages.Links links = responder.links(req, p.ticket());
        if (kind == ClientKind.API) {
            statusAnswer(req, res, p, false);
            return;
        }
        if (settings.pendingPage() != null) {
            forwardToApplicationPage(req, res, p, links);
            return;
        }
        final PendingApproval shown = p;
        switch (p.status()) {
            case PENDING -> Responder.html(res, 200, nonce -> Pages.pending(shown, links, clock.instant(), nonce));
            case APPROVED -> Responder.redirect(res, links.proceed());
            case REJECTED -> Responder.html(res, 200, nonce -> Pages.rejected(shown, links, nonce));
            default -> Responder.html(res, 200, nonce -> Pages.ended(shown, links, nonce));
        }
    }

    private void forwardToApplicationPage(HttpServletRequest req, HttpServletResponse res, PendingApproval p, Pages.Links links)
            throws IOException, ServletException {
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
        req.getRequestDispatcher(settings.pendingPage()).forward(req, res);
    }

    private void status(HttpServletRequest req, HttpServletResponse res, Optional<GateRegistry.Found> found) throws IOException {
        if (found.isEmpty()) {
            Responder.problem(res, 404, "not-found", "No such approval request",
                    "The ticket is unknown, belongs to someone else, or was completed.", Map.of());
            return;
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
                Responder.problem(res, 400, "bad-request", "Bad wait parameter", "wait must be whole seconds from 0 to 30.",
                        Map.of());
                return;
            }
        }
        PendingApproval p = found.get().approval();
        boolean unavailable = false;
        try {
            p = found.get().gate().awaitDecision(p, wait);
        } catch (Nl3Failure f) {
            unavailable = true;
        }
        statusAnswer(req, res, p, unavailable);
    }

    private void statusAnswer(HttpServletRequest req, HttpServletResponse res, PendingApproval p, boolean unavailable)
            throws IOException {
        Pages.Links links = responder.links(req, p.ticket());
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", p.status().name());
        body.put("approvalType", p.approvalType().name());
        body.put("approvers", p.approvers());
        body.put("expiresAt", p.expiresAt().toString());
        body.put("comment", p.comment());
        body.put("replay", Pages.replayable(p.method()));
        body.put("continueUrl", links.proceed());
        body.put("unavailable", unavailable);
        if (p.status() == ApprovalStatus.PENDING) {
            res.setHeader("Retry-After", String.valueOf(Math.max(1, (settings.pollInterval().toMillis() + 999) / 1000)));
        }
        Responder.json(res, 200, "application/json", body);
    }

    private void proceed(HttpServletRequest req, HttpServletResponse res, Optional<GateRegistry.Found> found) {
        if (found.isEmpty()) {
            Responder.redirect(res, req.getContextPath() + "/");
            return;
        }
        PendingApproval p = found.get().approval();
        switch (p.status()) {
            case PENDING, REJECTED, EXPIRED, CANCELLED -> Responder.redirect(res, responder.links(req, p.ticket()).page());
            case APPROVED -> {
                found.get().gate().forget(p);
                Responder.redirect(res, Pages.replayable(p.method()) ? SafePaths.location(req, p.target()) : req.getContextPath() + "/");
            }
        }
    }

    private void notFound(HttpServletRequest req, HttpServletResponse res, ClientKind kind) throws IOException {
        if (kind == ClientKind.API) {
            Responder.problem(res, 404, "not-found", "No such approval request",
                    "The ticket is unknown, belongs to someone else, or was completed.", Map.of());
        } else {
            Responder.html(res, 404, nonce -> Pages.notFound(req.getContextPath() + "/", nonce));
        }
    }
}
