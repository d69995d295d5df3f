package dev.nl3jit.sandbox;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The approver console at {@code /console}: pending requests rendered from their templates, Approve,
 * Reject with a comment, and a signature field for Sign-and-Approve templates. Every piece of text that
 * came from a request or a template is escaped. Forms carry a per-sandbox anti-forgery token, and a post that a
 * browser says came from another origin or site is refused (403) before anything changes.
 */
final class ConsoleHandler {
    static final String PATH = "/console";
    private static final String AS_COOKIE = "nl3_console_as";
    private static final Map<String, String> MESSAGES = Map.of(
            "approved", "Request approved.",
            "rejected", "Request rejected.",
            "who", "Choose who you are before deciding.",
            "forgery", "The form expired; please try again.");

    private final State state;
    private final Clock clock;
    private final String csrf;

    ConsoleHandler(State state, Clock clock) {
        this.state = state;
        this.clock = clock;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        this.csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    Reply handle(Req req) throws IOException {
        if (!req.method.equals("GET") && !req.method.equals("HEAD")) {
            // A page elsewhere must not make the approver approve, reject or switch identity (see BrowserGuard).
            BrowserGuard.requireSameOrigin(req);
        }
        String rest = req.path.substring(PATH.length());
        if (rest.isEmpty() || rest.equals("/")) {
            ApiHandler.requireMethod(req, "GET");
            return Reply.html(200, page(actingAs(req), req.query.get("m"), req.query.get("e")))
                    .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                            + "script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'");
        }
        if (rest.equals("/pending")) {
            ApiHandler.requireMethod(req, "GET");
            return Reply.html(200, pendingList(actingAs(req)));
        }
        if (rest.equals("/as")) {
            ApiHandler.requireMethod(req, "POST");
            Map<String, String> form = req.formBody();
            if (!validCsrf(form.get("csrf"))) {
                return Reply.redirect(PATH + "?m=forgery");
            }
            Seed.User user = state.user(form.get("user"));
            if (user == null) {
                return Reply.redirect(PATH + "?m=who");
            }
            return Reply.redirect(PATH).header("Set-Cookie",
                    AS_COOKIE + "=" + user.username() + "; Path=" + PATH + "; HttpOnly; SameSite=Strict");
        }
        if (rest.startsWith("/requests/") && rest.endsWith("/decide")) {
            ApiHandler.requireMethod(req, "POST");
            String id = rest.substring("/requests/".length(), rest.length() - "/decide".length());
            Map<String, String> form = req.formBody();
            if (!validCsrf(form.get("csrf"))) {
                return Reply.redirect(PATH + "?m=forgery");
            }
            Seed.User as = actingAs(req);
            if (as == null) {
                return Reply.redirect(PATH + "?m=who");
            }
            try {
                if ("reject".equals(form.get("decision"))) {
                    state.reject(id, as.username(), form.get("comment"));
                    return Reply.redirect(PATH + "?m=rejected");
                }
                state.approve(id, as.username(), form.get("comment"), form.get("signature"));
                return Reply.redirect(PATH + "?m=approved");
            } catch (BadRequest e) {
                return Reply.redirect(PATH + "?e=" + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8));
            }
        }
        throw BadRequest.notFound("no console page at " + req.path);
    }

    private boolean validCsrf(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                csrf.getBytes(StandardCharsets.UTF_8));
    }

    private Seed.User actingAs(Req req) {
        String cookies = req.header("Cookie");
        if (cookies == null) {
            return null;
        }
        for (String c : cookies.split(";")) {
            String[] kv = c.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals(AS_COOKIE)) {
                return state.user(kv[1]);
            }
        }
        return null;
    }

    private String page(Seed.User as, String message, String error) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>NL3 sandbox \u2013 approver console</title><style>").append(CSS).append("</style></head><body>")
                .append("<header><h1>Approver console</h1><p class=\"sub\">NL3 sandbox \u00b7 ")
                .append(text(state.seed().companyName())).append("</p>")
                .append("<form class=\"as\" method=\"post\" action=\"").append(PATH).append("/as\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(csrf).append("\">")
                .append("<label for=\"as-user\">Signed in as</label> <select id=\"as-user\" name=\"user\">");
        if (as == null) {
            h.append("<option value=\"\" selected>choose\u2026</option>");
        }
        for (Seed.User u : state.users()) {
            h.append("<option value=\"").append(Html.escape(u.username())).append('"')
                    .append(as != null && as.username().equals(u.username()) ? " selected" : "").append('>')
                    .append(text(u.username())).append(u.email() == null ? "" : " (" + text(u.email()) + ")")
                    .append("</option>");
        }
        h.append("</select> <button type=\"submit\" id=\"as-submit\">Switch</button></form></header><main>");
        if (message != null && MESSAGES.containsKey(message)) {
            h.append("<p class=\"flash ok\" role=\"status\">").append(Html.escape(MESSAGES.get(message))).append("</p>");
        }
        if (as == null) {
            h.append("<p class=\"flash hint\">Choose who you are under <em>Signed in as</em> to approve or reject.</p>");
        }
        if (error != null) {
            h.append("<p class=\"flash err\" role=\"alert\">").append(text(error)).append("</p>");
        }
        h.append("<h2>Pending requests</h2><div id=\"pending\" aria-live=\"polite\">").append(pendingList(as))
                .append("</div><h2>Recent decisions</h2>").append(recent()).append("</main><script>").append(JS)
                .append("</script></body></html>");
        return h.toString();
    }

    private String pendingList(Seed.User as) {
        List<ApprovalView> pending = state.list("PENDING");
        StringBuilder h = new StringBuilder();
        if (pending.isEmpty()) {
            return "<p class=\"empty\">No pending requests. This list refreshes by itself.</p>";
        }
        Instant now = clock.instant();
        for (ApprovalView r : pending) {
            boolean sign = r.approvalType() == Seed.ApprovalType.SIGN_AND_APPROVE;
            String id = Html.escape(r.requestId());
            h.append("<article class=\"req\" data-request-id=\"").append(id).append("\">")
                    .append("<h3>").append(text(r.title())).append(" <span class=\"badge").append(sign ? " sign" : "")
                    .append("\">").append(sign ? "Sign and Approve" : "Approve").append("</span></h3>")
                    // The template's own line breaks stay line breaks; its values were escaped whole when rendered.
                    .append("<pre class=\"data\">").append(Html.escape(Visible.escapeKeepingLineFeeds(r.approvalData())))
                    .append("</pre>")
                    .append("<dl><dt>Requester</dt><dd class=\"requester\">").append(text(r.requester()))
                    .append(r.metaData().get("reason") == null ? "" : "</dd><dt>Reason</dt><dd class=\"reason\">"
                            + text(r.metaData().get("reason")))
                    .append("</dd><dt>Approvers</dt><dd>").append(text(String.join(", ", r.approvers())))
                    .append("</dd><dt>User agent</dt><dd>").append(text(r.userAgent() == null ? "unknown" : r.userAgent()))
                    .append("</dd><dt>IP</dt><dd>").append(text(r.userIp()))
                    .append("</dd><dt>Age</dt><dd>").append(age(Duration.between(r.createdAt(), now)))
                    .append(" (expires in ").append(age(Duration.between(now, r.expiresAt()))).append(")</dd></dl>")
                    .append(metadata(r.metaData()))
                    .append("<form method=\"post\" action=\"").append(PATH).append("/requests/").append(id).append("/decide\">")
                    .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(csrf).append("\">");
            if (sign) {
                h.append("<label>Signature (type your full name) <input name=\"signature\" autocomplete=\"off\" class=\"signature\"></label>");
            }
            h.append("<label>Comment <input name=\"comment\" autocomplete=\"off\" class=\"comment\"></label><div class=\"buttons\">")
                    .append("<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"approve\"")
                    .append(as == null ? " disabled" : "").append('>').append(sign ? "Sign and approve" : "Approve")
                    .append("</button><button type=\"submit\" name=\"decision\" value=\"reject\" class=\"reject\"")
                    .append(as == null ? " disabled" : "").append(">Reject</button></div></form></article>");
        }
        return h.toString();
    }

    private String recent() {
        StringBuilder h = new StringBuilder("<table><thead><tr><th>Request</th><th>Requester</th><th>Status</th>"
                + "<th>By</th><th>Comment</th></tr></thead><tbody>");
        int n = 0;
        for (ApprovalView r : state.list(null)) {
            if (r.status().equals("PENDING")) {
                continue;
            }
            if (++n > 15) {
                break;
            }
            h.append("<tr><td>").append(text(r.title())).append("</td><td>").append(text(r.requester()))
                    .append("</td><td class=\"st ").append(r.status().toLowerCase(java.util.Locale.ROOT)).append("\">")
                    .append(r.status()).append("</td><td>").append(text(r.decidedBy()))
                    .append("</td><td>").append(text(r.comment())).append("</td></tr>");
        }
        if (n == 0) {
            h.append("<tr><td colspan=\"5\">None yet.</td></tr>");
        }
        return h.append("</tbody></table>").toString();
    }

    /** Every metadata value of the request, as sent, under its key (sorted), invisible characters shown. */
    private static String metadata(Map<String, String> metaData) {
        if (metaData.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<table class=\"meta\"><caption>Metadata as sent</caption><tbody>");
        metaData.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> h.append("<tr><th scope=\"row\">")
                .append(text(e.getKey())).append("</th><td data-key=\"").append(Html.escape(Visible.escape(e.getKey())))
                .append("\">").append(text(e.getValue())).append("</td></tr>"));
        return h.append("</tbody></table>").toString();
    }

    /** Text for HTML: invisible characters as [U+XXXX], then HTML-escaped. */
    private static String text(String s) {
        return Html.escape(Visible.escape(s));
    }

    private static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s / 3600 + " h";
    }

    private static final String CSS = """
            *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;\
            background:#f4f5f7;color:#1d2330}header{background:#1d2330;color:#fff;padding:1rem 1.5rem;display:flex;\
            flex-wrap:wrap;align-items:center;gap:1rem}header h1{margin:0;font-size:1.3rem}.sub{margin:0;opacity:.75;\
            flex:1}.as select,.as button{font:inherit}main{max-width:960px;margin:0 auto;padding:1rem 1.5rem}\
            h2{font-size:1.1rem;margin:1.5rem 0 .5rem}.req{background:#fff;border:1px solid #d8dce3;border-radius:8px;\
            padding:1rem 1.25rem;margin-bottom:1rem}.req h3{margin:0 0 .5rem;font-size:1.05rem}.badge{font-size:.75rem;\
            background:#e6f0ff;color:#1a4fa0;border-radius:999px;padding:.1rem .6rem;vertical-align:middle}\
            .badge.sign{background:#fff1db;color:#8a5300}.data{white-space:pre-wrap;font:inherit;background:#f8f9fb;\
            padding:.5rem .75rem;border-radius:6px;margin:.5rem 0}dl{display:grid;grid-template-columns:max-content 1fr;\
            gap:.15rem 1rem;margin:.5rem 0;font-size:.9rem}dt{color:#5b6475}dd{margin:0;word-break:break-word}\
            label{display:block;margin:.5rem 0;font-size:.9rem}label input{display:block;width:100%;padding:.4rem;\
            font:inherit;border:1px solid #c4cad4;border-radius:6px}.buttons{display:flex;gap:.5rem}\
            button{padding:.45rem 1rem;border-radius:6px;border:1px solid transparent;cursor:pointer;font:inherit}\
            .approve{background:#1f7a3d;color:#fff}.reject{background:#fff;border-color:#b3261e;color:#b3261e}\
            button:disabled{opacity:.5;cursor:not-allowed}.flash{padding:.6rem 1rem;border-radius:6px}\
            .ok{background:#e5f5ea;color:#1f5e33}.err{background:#fde8e7;color:#8c1d18}.empty{color:#5b6475}.hint{background:#eef1f6;color:#39414f}\
            table{width:100%;border-collapse:collapse;background:#fff;font-size:.9rem}\
            .meta{margin:.5rem 0;font-size:.85rem}.meta caption{text-align:left;color:#5b6475;padding:.2rem 0}\
            .meta th{width:1%;white-space:nowrap;color:#5b6475;font-weight:normal}.meta td{word-break:break-word}th,td{text-align:left;\
            padding:.4rem .6rem;border-bottom:1px solid #e3e6eb}.st.approved{color:#1f7a3d}.st.rejected{color:#b3261e}\
            """;

    private static final String JS = """
            (function(){var box=document.getElementById('pending');
            function busy(){var a=document.activeElement;if(a&&box.contains(a)&&a.tagName==='INPUT')return true;
            var f=box.querySelectorAll('input[name=comment],input[name=signature]');
            for(var i=0;i<f.length;i++){if(f[i].value)return true;}return false;}
            function tick(){if(busy())return;fetch('/console/pending',{credentials:'same-origin',cache:'no-store'})
            .then(function(r){return r.ok?r.text():null}).then(function(t){if(t!==null&&!busy()&&box.innerHTML!==t)box.innerHTML=t;})
            .catch(function(){});}
            setInterval(tick,1500);})();
            """;
}
