package dev.nl3jit.filter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a decision into the answer a client understands: redirect and HTML, problem+json, or a Faces partial response. */
final class Responder {
    static final String PROBLEM_BASE = "urn:nl3:approval:";

    private final String pendingPath;
    private final String pendingPage;
    private final String retryAfter;
    private final Clock clock;
    private final int maxValueLength;

    Responder(Nl3Settings settings, Clock clock) {
        this.maxValueLength = settings.maxValueLength();
        this.pendingPath = settings.pendingPath();
        this.pendingPage = settings.pendingPage();
        this.retryAfter = String.valueOf(Math.max(1, (settings.pollInterval().toMillis() + 999) / 1000));
        this.clock = clock;
    }

    Pages.Links links(HttpServletRequest request, String ticket) {
        String base = request.getContextPath() + pendingPath;
        String t = URLEncoder.encode(ticket, StandardCharsets.UTF_8);
        return new Pages.Links(base + "?p=" + t, base + "/status?p=" + t, base + "/cancel", base + "/retry",
                base + "/continue?p=" + t, request.getContextPath() + "/", base + "/send");
    }

    /** The answer to every decision but a pass. */
    Answer answer(HttpServletRequest req, Decision decision, ClientKind kind) {
        if (decision instanceof Decision.Pending p) {
            return pending(req, p.approval(), kind);
        } else if (decision instanceof Decision.Rejected r) {
            return rejected(req, r.approval(), kind);
        } else if (decision instanceof Decision.Locked) {
            return locked(req, kind);
        } else if (decision instanceof Decision.Unavailable u) {
            return u.kind() == Nl3Failure.Kind.MISCONFIGURED ? misconfigured(req, kind) : unavailable(req, kind);
        } else if (decision instanceof Decision.Limited l) {
            return limited(req, kind, l.retryAfter());
        } else if (decision instanceof Decision.ReasonNeeded r) {
            return reasonNeeded(req, kind, r);
        } else if (decision instanceof Decision.TooLong t) {
            return tooLong(req, kind, t);
        }
        throw new IllegalArgumentException("a pass is not answered: " + decision);
    }

    Answer pending(HttpServletRequest req, StoredApproval p, ClientKind kind) {
        Pages.Links links = links(req, p.ticket());
        return switch (kind) {
            case BROWSER -> redirect(links.page());
            case FACES_PARTIAL -> partial("<redirect url=\"" + Html.escape(links.page()) + "\"></redirect>");
            case API -> problem(202, "pending", "Approval pending", "This request needs a just-in-time approval. Poll the "
                    + "status URL and retry the request once the status is APPROVED.", statusFields(p, links, false),
                    Map.of("Location", links.status(), "Retry-After", retryAfter()));
        };
    }

    Answer rejected(HttpServletRequest req, StoredApproval p, ClientKind kind) {
        Pages.Links links = links(req, p.ticket());
        return switch (kind) {
            case BROWSER -> html(403, nonce -> Pages.rejected(p, links, nonce));
            case FACES_PARTIAL -> partial("<redirect url=\"" + Html.escape(links.page()) + "\"></redirect>");
            case API -> problem(403, "rejected", "Approval rejected", "An approver rejected this request.", statusFields(p, links, false),
                    Map.of());
        };
    }

    Answer locked(HttpServletRequest req, ClientKind kind) {
        String detail = "This action is not available for your account right now.";
        return switch (kind) {
            case BROWSER -> html(403, nonce -> Pages.locked(req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError("Not available", detail);
            case API -> problem(403, "not-available", "Not available", detail, Map.of(), Map.of());
        };
    }

    Answer unavailable(HttpServletRequest req, ClientKind kind) {
        String detail = "The approval service cannot be reached right now; nothing was changed.";
        Answer a = switch (kind) {
            case BROWSER -> html(503, nonce -> Pages.unavailable(req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError("Approval service unavailable", detail);
            case API -> problem(503, "unavailable", "Approval service unavailable", detail, Map.of(), Map.of());
        };
        Map<String, String> headers = new LinkedHashMap<>(a.headers());
        if (kind != ClientKind.FACES_PARTIAL) {
            headers.put("Retry-After", "10");
        }
        return new Answer(a.status(), a.contentType(), headers, a.body());
    }

    /** NL3 refuses how it is called: 500, a calm page that promises nothing, and a distinct problem type. */
    Answer misconfigured(HttpServletRequest req, ClientKind kind) {
        String detail = "This action cannot be approved right now: the approval service is not set up correctly for it. "
                + "The cause is in the application's log. Nothing was changed.";
        return switch (kind) {
            case BROWSER -> html(500, nonce -> Pages.misconfigured(req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError("Approval not set up", detail);
            case API -> problem(500, "misconfigured", "Approval not set up", detail, Map.of(), Map.of());
        };
    }

    /** A reason first: browsers to the reason page; API clients 428, saying which header carries it. */
    Answer reasonNeeded(HttpServletRequest req, ClientKind kind, Decision.ReasonNeeded r) {
        if (r.draft() != null && kind != ClientKind.API) {
            String page = req.getContextPath() + pendingPath + "/reason?p=" + URLEncoder.encode(r.draft(), StandardCharsets.UTF_8);
            return kind == ClientKind.BROWSER ? redirect(page)
                    : partial("<redirect url=\"" + Html.escape(page) + "\"></redirect>");
        }
        return problem(428, "reason-required", "Reason required", "This action needs a reason for the approver: send it in the "
                + Engine.REASON_HEADER + " request header (at most " + maxValueLength + " characters).", Map.of(), Map.of());
    }

    /** The page where the user types the reason. */
    Answer reasonPage(HttpServletRequest req, ReasonDrafts.Draft d, String error) {
        String action = req.getContextPath() + pendingPath + "/reason";
        return html(error == null ? 200 : 400, nonce -> Pages.reason(d, action, req.getContextPath() + "/", error, maxValueLength,
                nonce));
    }

    /**
     * A value too long to be shown whole: nothing was sent; browsers get a page naming the field and the limit, API
     * clients 422 problem+json with {@code parameter}, {@code maxLength} and {@code length}.
     */
    static Answer tooLong(HttpServletRequest req, ClientKind kind, Decision.TooLong t) {
        String detail = "The value of '" + t.field() + "' is " + t.length() + " characters long; the approver can be shown at "
                + "most " + t.limit() + ", and an approval never covers a value the approver did not see whole. Nothing was sent.";
        return switch (kind) {
            case BROWSER -> html(422, nonce -> Pages.tooLong(t, req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError("Value too long", detail);
            case API -> problem(422, "value-too-long", "Value too long", detail, Map.of("parameter", t.field(),
                    "maxLength", t.limit(), "length", t.length()), Map.of());
        };
    }

    /** An unsafe request a browser marks as sent from another origin: 403, nothing sent. */
    static Answer crossOrigin(HttpServletRequest req, ClientKind kind) {
        String detail = "This request was sent by a page of another site or origin. It is accepted only from the application "
                + "itself. Nothing was sent and nothing was changed.";
        return switch (kind) {
            case BROWSER -> html(403, nonce -> Pages.crossOrigin(req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError("Cross-origin request refused", detail);
            case API -> problem(403, "cross-origin", "Cross-origin request refused", detail, Map.of(), Map.of());
        };
    }

    /** Over {@code nl3.request-limit}: 429 and when to try again. */
    Answer limited(HttpServletRequest req, ClientKind kind, java.time.Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        String detail = "Too many approval requests lately; a new one can be sent in " + seconds + " s. Nothing was sent.";
        Answer a = switch (kind) {
            case BROWSER -> html(429, nonce -> Pages.limited(seconds, req.getContextPath() + "/", nonce));
            case FACES_PARTIAL -> partialError("Too many approval requests", detail);
            case API -> problem(429, "too-many-requests", "Too many approval requests", detail, Map.of(), Map.of());
        };
        Map<String, String> headers = new LinkedHashMap<>(a.headers());
        if (kind != ClientKind.FACES_PARTIAL) {
            headers.put("Retry-After", String.valueOf(seconds));
        }
        return new Answer(a.status(), a.contentType(), headers, a.body());
    }

    static Answer unauthenticated(ClientKind kind) {
        return kind == ClientKind.API
                ? problem(401, "unauthenticated", "Sign-in required", "This resource needs an authenticated user.", Map.of(), Map.of())
                : html(401, Pages::unauthenticated);
    }

    String retryAfter() {
        return retryAfter;
    }

    /**
     * The one description of an approval's state that clients read: the body of {@code /status} and the extra
     * members of the {@code 202} and {@code 403} problem bodies.
     */
    static Map<String, Object> statusFields(StoredApproval p, Pages.Links links, boolean unavailable) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("approvalStatus", p.status().name());
        m.put("final", p.status().isFinal());
        m.put("approvalType", p.approvalType().name());
        m.put("approvers", p.approvers());
        m.put("expiresAt", p.expiresAt().toString());
        m.put("comment", p.comment());
        m.put("replay", Pages.replayable(p.method()));
        m.put("statusUrl", links.status());
        m.put("continueUrl", links.proceed());
        m.put("sendNow", p.status() == ApprovalStatus.APPROVED && p.kept() != null);
        m.put("values", p.values());
        m.put("unavailable", unavailable || p.status() == ApprovalStatus.PENDING && p.failing() != null);
        return m;
    }

    /** The answer of the status endpoint. */
    Answer status(HttpServletRequest req, StoredApproval p, boolean unavailable) {
        return json(200, statusFields(p, links(req, p.ticket()), unavailable),
                p.status() == ApprovalStatus.PENDING ? Map.of("Retry-After", retryAfter) : Map.of());
    }

    /**
     * The pending page for a browser: this library's own, or {@code null} after forwarding to the application's
     * page ({@code nl3.pending-page}).
     */
    Answer page(HttpServletRequest req, HttpServletResponse res, StoredApproval p, String sendToken)
            throws IOException, ServletException {
        Pages.Links links = links(req, p.ticket());
        if (pendingPage != null) {
            forwardToApplicationPage(req, res, p, links, sendToken);
            return null;
        }
        if (sendToken != null) {
            return html(200, nonce -> Pages.approvedWithSendNow(p, links, sendToken, nonce));
        }
        Instant now = clock.instant();
        return switch (p.status()) {
            case PENDING -> html(200, nonce -> Pages.pending(p, links, now, nonce));
            case APPROVED -> redirect(links.proceed());
            case REJECTED -> html(200, nonce -> Pages.rejected(p, links, nonce));
            default -> html(200, nonce -> Pages.ended(p, links, nonce));
        };
    }

    private void forwardToApplicationPage(HttpServletRequest req, HttpServletResponse res, StoredApproval p,
            Pages.Links links, String sendToken) throws IOException, ServletException {
        if (sendToken != null) {
            // A form that POSTs p and token to sendUrl sends the kept request, once.
            req.setAttribute("nl3.approval.sendUrl", links.send());
            req.setAttribute("nl3.approval.sendToken", sendToken);
        }
        req.setAttribute("nl3.approval.values", p.values());
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

    /** Where a user goes once done with an approval: back to a replayable request, else the application's start. */
    static String back(HttpServletRequest req, StoredApproval p) {
        return back(req, p.method(), p.target());
    }

    static String back(HttpServletRequest req, String method, String target) {
        return Pages.replayable(method) ? SafePaths.location(req, target) : req.getContextPath() + "/";
    }

    static Answer notSent(HttpServletRequest req, int status, String why) {
        return html(status, nonce -> Pages.notSent(why, req.getContextPath() + "/", nonce));
    }

    static Answer notFound(HttpServletRequest req, ClientKind kind) {
        return kind == ClientKind.API
                ? problem(404, "not-found", "No such approval request",
                        "The ticket is unknown, belongs to someone else, or was completed.", Map.of(), Map.of())
                : html(404, nonce -> Pages.notFound(req.getContextPath() + "/", nonce));
    }

    static Answer redirect(String location) {
        return Answer.status(303).header("Location", location).empty();
    }

    static Answer problem(int status, String type, String title, String detail, Map<String, Object> extra,
            Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", PROBLEM_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extra);
        Answer.Builder b = Answer.status(status);
        headers.forEach(b::header);
        return b.body("application/problem+json", Nl3Json.write(body));
    }

    static Answer json(int status, Map<String, ?> body, Map<String, String> headers) {
        Answer.Builder b = Answer.status(status);
        headers.forEach(b::header);
        return b.body("application/json", Nl3Json.write(body));
    }

    interface PageMaker {
        String make(String nonce);
    }

    static Answer html(int status, PageMaker page) {
        String nonce = Html.nonce();
        return Answer.status(status).header("Referrer-Policy", "same-origin").header("Content-Security-Policy", Html.csp(nonce))
                .body("text/html", page.make(nonce));
    }

    private static Answer partialError(String name, String message) {
        return partial("<error><error-name>" + Html.escape(name) + "</error-name><error-message><![CDATA["
                + message.replace("]]>", "") + "]]></error-message></error>");
    }

    private static Answer partial(String content) {
        return Answer.status(200).body("text/xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><partial-response>" + content + "</partial-response>");
    }
}
