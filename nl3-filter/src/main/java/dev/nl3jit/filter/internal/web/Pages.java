package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.util.Shown;

import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.ApprovalType;
import dev.nl3jit.filter.internal.engine.Decision;
import dev.nl3jit.filter.internal.nl3.Nl3Json;
import dev.nl3jit.filter.internal.store.StoredApproval;
import dev.nl3jit.filter.Reason;
import dev.nl3jit.filter.internal.engine.ReasonDrafts;

import dev.nl3jit.filter.internal.web.Template.Markup;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The HTML the filter shows people. The markup, style and script are resources in {@code pages/} beside this class,
 * read once; every value goes in through {@link Template}, which escapes it.
 */
public final class Pages {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static final Template PAGE = Template.load("page.html");
    private static final Markup STYLE = Template.resource("style.css");
    private static final Template SCRIPT = Template.load("script.html");
    /**
     * Long-polls the status endpoint and moves on the moment the request is approved. Shows after every answer what
     * the server says: waiting, the service not answering, or the text of the final state reached (then it stops and
     * reloads). It never asks more than once a second, and waits two seconds after a failed request.
     */
    private static final Markup PENDING_SCRIPT = Template.resource("pending.js");
    private static final Template PENDING = Template.load("pending.html");
    private static final Template PENDING_KEPT = Template.load("pending-kept.html");
    private static final Template PENDING_NOT_KEPT = Template.load("pending-not-kept.html");
    private static final Template VALUES = Template.load("values.html");
    private static final Template VALUE = Template.load("value.html");
    private static final Template APPROVED = Template.load("approved.html");
    private static final Template NOT_SENT = Template.load("not-sent.html");
    private static final Template REASON = Template.load("reason.html");
    private static final Template REASON_ERROR = Template.load("reason-error.html");
    private static final Markup REASON_SKIP = Template.resource("reason-skip.html");
    private static final Template LIMITED = Template.load("limited.html");
    private static final Template REJECTED = Template.load("rejected.html");
    private static final Template REJECTED_COMMENT = Template.load("rejected-comment.html");
    private static final Template ENDED = Template.load("ended.html");
    private static final Template TOO_LONG = Template.load("too-long.html");
    private static final Template TOO_LONG_FIELD = Template.load("too-long-field.html");
    private static final Template CROSS_ORIGIN = Template.load("cross-origin.html");
    private static final Template LOCKED = Template.load("locked.html");
    private static final Template UNAVAILABLE = Template.load("unavailable.html");
    private static final Template MISCONFIGURED = Template.load("misconfigured.html");
    private static final Template UNAUTHENTICATED = Template.load("unauthenticated.html");
    private static final Template NOT_FOUND = Template.load("not-found.html");
    private static final Template BAD_REQUEST = Template.load("bad-request.html");

    private Pages() {
    }

    /** Links the pending page needs, all inside the application. */
    record Links(String page, String status, String cancel, String retry, String proceed, String home, String send) {
    }

    /** A whole page: the shell with the style, {@code body}, and the pending page's script when {@code script}. */
    private static String page(String title, Markup body, String nonce, boolean script) {
        return PAGE.render("title", title, "nonce", nonce, "style", STYLE, "body", body, "script",
                script ? SCRIPT.render("nonce", nonce, "code", PENDING_SCRIPT) : Markup.NONE).html();
    }

    static String pending(StoredApproval p, Links links, Instant now, String nonce) {
        boolean sign = p.approvalType() == ApprovalType.SIGN_AND_APPROVE;
        boolean replay = replayable(p.method());
        String who = p.approvers().isEmpty() ? "the approvers for this action" : String.join(", ", p.approvers());
        long left = Math.max(0, Duration.between(now, p.expiresAt()).toSeconds());
        String waiting = "Waiting for " + (sign ? "a signed approval" : "approval") + "\u2026";
        Markup note = replay ? Markup.NONE
                : (p.kept() != null ? PENDING_KEPT : PENDING_NOT_KEPT).render("method", p.method());
        return page("Approval required", PENDING.render("who", who, "kind", sign ? "sign and approve" : "approve",
                "message", p.failing() != null ? DEGRADED : waiting, "left", human(left), "at", HM.format(p.expiresAt()),
                "note", note, "values", values(p), "page", links.page(), "proceed", links.proceed(), "cancel", links.cancel(),
                "ticket", p.ticket(), "status", links.status(), "replay", replay, "kept", p.kept() != null, "seconds", left,
                "waiting", waiting, "degraded", DEGRADED, "ended", ENDED_TEXTS), nonce, true);
    }

    /** What the approver saw, as a definition list, or nothing. */
    private static Markup values(StoredApproval p) {
        if (p.values().isEmpty()) {
            return Markup.NONE;
        }
        StringBuilder rows = new StringBuilder();
        new java.util.TreeMap<>(p.values()).forEach((k, v) -> rows.append(VALUE.render("name", k, "value", v).html()));
        return VALUES.render("rows", new Markup(rows.toString()));
    }

    /**
     * An approved request that was kept: one click sends exactly it, once. The form carries a one-time token bound to
     * this ticket, this user and this session; nothing else in it is used.
     */
    static String approvedWithSendNow(StoredApproval p, Links links, String token, String nonce) {
        return page("Approved", APPROVED.render("by", p.decidedBy() == null ? "" : " by " + p.decidedBy(),
                "signed", p.signed() ? ", signed" : "", "method", p.method(), "path", p.target().split("\\?", 2)[0],
                "end", p.values().isEmpty() ? "." : ":", "values", values(p), "send", links.send(), "ticket", p.ticket(),
                "token", token, "home", links.home()), nonce, false);
    }

    /** A Send now click that cannot run: already sent, another session, or the approval is used up. */
    static String notSent(String why, String home, String nonce) {
        return page("Not sent", NOT_SENT.render("why", why, "home", home), nonce, false);
    }

    /** Asks why, before an approval request is sent. */
    static String reason(ReasonDrafts.Draft d, String action, String home, String error, int maxLength, String nonce) {
        boolean required = d.protection().reason() == Reason.REQUIRED;
        return page("Reason", REASON.render("tell", required ? "Tell" : "You may tell", "max", maxLength,
                "error", error == null ? Markup.NONE : REASON_ERROR.render("error", error), "action", action, "draft", d.id(),
                "optional", required ? "" : " (optional)", "required", required ? new Markup(" required") : Markup.NONE,
                "skip", required ? Markup.NONE : REASON_SKIP, "home", home), nonce, false);
    }

    static String limited(long retryAfterSeconds, String home, String nonce) {
        return page("Too many approval requests", LIMITED.render("wait", human(retryAfterSeconds), "home", home), nonce, false);
    }

    static String rejected(StoredApproval p, Links links, String nonce) {
        Markup comment = p.comment() == null || p.comment().isBlank() ? Markup.NONE
                : REJECTED_COMMENT.render("comment", p.comment());
        return page("Request rejected", REJECTED.render("comment", comment, "retry", links.retry(), "ticket", p.ticket(),
                "home", links.home()), nonce, false);
    }

    static String ended(StoredApproval p, Links links, String nonce) {
        boolean cancelled = p.status() == ApprovalStatus.CANCELLED;
        String what = cancelled ? "cancelled" : "expired";
        return page("Request " + what, ENDED.render("what", what, "how", cancelled ? "was cancelled." : "expired before anyone decided.",
                "retry", links.retry(), "ticket", p.ticket(), "home", links.home()), nonce, false);
    }

    /** A value too long to be shown whole: which one, how long it may be, and that nothing was sent. */
    static String tooLong(Decision.TooLong t, String home, String nonce) {
        Markup field = "reason".equals(t.field()) ? new Markup("Your reason") : TOO_LONG_FIELD.render("field", t.field());
        return page("Value too long", TOO_LONG.render("field", field, "length", t.length(), "limit", t.limit(), "home", home),
                nonce, false);
    }

    /** An unsafe request sent by a page of another origin. */
    static String crossOrigin(String home, String nonce) {
        return page("Request refused", CROSS_ORIGIN.render("home", home), nonce, false);
    }

    static String locked(String home, String nonce) {
        return page("Not available", LOCKED.render("home", home), nonce, false);
    }

    static String unavailable(String home, String nonce) {
        return page("Approval service unavailable", UNAVAILABLE.render("home", home), nonce, false);
    }

    static String misconfigured(String home, String nonce) {
        return page("Not available", MISCONFIGURED.render("home", home), nonce, false);
    }

    public static String unauthenticated(String nonce) {
        return page("Sign-in required", UNAUTHENTICATED.render(), nonce, false);
    }

    public static String notFound(String home, String nonce) {
        return page("No such request", NOT_FOUND.render("home", home), nonce, false);
    }

    /** A request to the pending path that makes no sense, saying why. */
    static String badRequest(String detail, String home, String nonce) {
        return page("Bad request", BAD_REQUEST.render("detail", detail, "home", home), nonce, false);
    }

    static boolean replayable(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    public static String human(long seconds) {
        return Shown.duration(seconds);
    }

    /** What the pending page says while NL3 fails; it goes back to waiting by itself when NL3 answers again. */
    public static final String DEGRADED = "Still trying to reach the approval service\u2026 This page keeps trying by itself.";

    /** What the pending page's script says when the request reaches each final state, by state (JSON). */
    private static final String ENDED_TEXTS = Nl3Json.write(ApprovalStatus.pageTexts());
}
