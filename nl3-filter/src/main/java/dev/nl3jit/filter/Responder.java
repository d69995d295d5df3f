package dev.nl3jit.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a decision into the answer a client understands: redirect and HTML, problem+json, or a Faces partial response. */
final class Responder {
    static final String PROBLEM_BASE = "urn:nl3:approval:";

    private final Nl3Settings settings;
    private final Clock clock;

    Responder(Nl3Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    Pages.Links links(HttpServletRequest request, String ticket) {
        String base = request.getContextPath() + settings.pendingPath();
        String t = URLEncoder.encode(ticket, StandardCharsets.UTF_8);
        return new Pages.Links(base + "?p=" + t, base + "/status?p=" + t, base + "/cancel", base + "/retry",
                base + "/continue?p=" + t, request.getContextPath() + "/");
    }

    /** Answers every decision but {@link Decision.Pass}, which the caller lets through. */
    void answer(HttpServletRequest req, HttpServletResponse res, Decision decision, ClientKind kind) throws IOException {
        if (decision instanceof Decision.Pending p) {
            pending(req, res, p.approval(), kind);
        } else if (decision instanceof Decision.Rejected r) {
            rejected(req, res, r.approval(), kind);
        } else if (decision instanceof Decision.Locked) {
            locked(req, res, kind);
        } else if (decision instanceof Decision.Unavailable) {
            unavailable(req, res, kind);
        } else {
            throw new IllegalArgumentException("a pass is not answered: " + decision);
        }
    }

    void pending(HttpServletRequest req, HttpServletResponse res, PendingApproval p, ClientKind kind) throws IOException {
        Pages.Links links = links(req, p.ticket());
        switch (kind) {
            case BROWSER -> redirect(res, links.page());
            case FACES_PARTIAL -> partialRedirect(res, links.page());
            case API -> {
                Map<String, Object> extra = statusJson(p, links);
                res.setHeader("Location", links.status());
                res.setHeader("Retry-After", String.valueOf(Math.max(1, (settings.pollInterval().toMillis() + 999) / 1000)));
                problem(res, 202, "pending", "Approval pending", "This request needs a just-in-time approval. Poll the status URL "
                        + "and retry the request once the status is APPROVED.", extra);
            }
        }
    }

    void rejected(HttpServletRequest req, HttpServletResponse res, PendingApproval p, ClientKind kind) throws IOException {
        Pages.Links links = links(req, p.ticket());
        switch (kind) {
            case BROWSER -> html(res, 403, nonce -> Pages.rejected(p, links, nonce));
            case FACES_PARTIAL -> partialRedirect(res, links.page());
            case API -> problem(res, 403, "rejected", "Approval rejected", "An approver rejected this request.",
                    statusJson(p, links));
        }
    }

    void locked(HttpServletRequest req, HttpServletResponse res, ClientKind kind) throws IOException {
        String detail = "This action is not available for your account right now.";
        switch (kind) {
            case BROWSER -> html(res, 403, nonce -> Pages.locked(req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError(res, "Not available", detail);
            case API -> problem(res, 403, "not-available", "Not available", detail, Map.of());
        }
    }

    void unavailable(HttpServletRequest req, HttpServletResponse res, ClientKind kind) throws IOException {
        res.setHeader("Retry-After", "10");
        String detail = "The approval service cannot be reached right now; nothing was changed.";
        switch (kind) {
            case BROWSER -> html(res, 503, nonce -> Pages.unavailable(req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError(res, "Approval service unavailable", detail);
            case API -> problem(res, 503, "unavailable", "Approval service unavailable", detail, Map.of());
        }
    }

    void unauthenticated(HttpServletResponse res, ClientKind kind) throws IOException {
        if (kind == ClientKind.API) {
            problem(res, 401, "unauthenticated", "Sign-in required", "This resource needs an authenticated user.", Map.of());
        } else {
            html(res, 401, Pages::unauthenticated);
        }
    }

    Map<String, Object> statusJson(PendingApproval p, Pages.Links links) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("approvalStatus", p.status().name());
        m.put("approvalType", p.approvalType().name());
        m.put("approvers", p.approvers());
        m.put("expiresAt", p.expiresAt().toString());
        m.put("statusUrl", links.status());
        if (p.comment() != null) {
            m.put("comment", p.comment());
        }
        return m;
    }

    static void redirect(HttpServletResponse res, String location) {
        res.setStatus(303);
        res.setHeader("Location", location);
        res.setHeader("Cache-Control", "no-store");
    }

    static void problem(HttpServletResponse res, int status, String type, String title, String detail,
            Map<String, Object> extra) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", PROBLEM_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extra);
        json(res, status, "application/problem+json", body);
    }

    static void json(HttpServletResponse res, int status, String contentType, Map<String, ?> body) throws IOException {
        res.setStatus(status);
        res.setContentType(contentType);
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        try (PrintWriter w = res.getWriter()) {
            w.write(Nl3Json.write(body));
        }
    }

    interface PageMaker {
        String make(String nonce);
    }

    static void html(HttpServletResponse res, int status, PageMaker page) throws IOException {
        String nonce = Html.nonce();
        res.setStatus(status);
        res.setContentType("text/html");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Content-Security-Policy", Html.csp(nonce));
        try (PrintWriter w = res.getWriter()) {
            w.write(page.make(nonce));
        }
    }

    private static void partialRedirect(HttpServletResponse res, String url) throws IOException {
        partial(res, "<redirect url=\"" + Html.escape(url) + "\"></redirect>");
    }

    private static void partialError(HttpServletResponse res, String name, String message) throws IOException {
        partial(res, "<error><error-name>" + Html.escape(name) + "</error-name><error-message><![CDATA["
                + message.replace("]]>", "") + "]]></error-message></error>");
    }

    private static void partial(HttpServletResponse res, String content) throws IOException {
        res.setStatus(200);
        res.setContentType("text/xml");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        try (PrintWriter w = res.getWriter()) {
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><partial-response>" + content + "</partial-response>");
        }
    }
}
