package dev.nl3jit.filter;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The HTML the filter shows people. Everything that came from outside is escaped. */
final class Pages {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Pages() {
    }

    /** Links the pending page needs, all inside the application. */
    record Links(String page, String status, String cancel, String retry, String proceed, String home, String send) {
    }

    static String pending(StoredApproval p, Links links, Instant now, String nonce) {
        boolean sign = p.approvalType() == ApprovalType.SIGN_AND_APPROVE;
        boolean replay = replayable(p.method());
        String who = p.approvers().isEmpty() ? "the approvers for this action"
                : String.join(", ", p.approvers());
        long left = Math.max(0, Duration.between(now, p.expiresAt()).toSeconds());
        String waiting = "Waiting for " + (sign ? "a signed approval" : "approval") + "\u2026";
        StringBuilder b = new StringBuilder();
        b.append("<h1 id=\"title\">Approval required</h1>")
                .append("<p>This action needs a just-in-time approval before it can go ahead. We asked <strong id=\"approvers\">")
                .append(Html.escape(who)).append("</strong> to <strong id=\"kind\">")
                .append(sign ? "sign and approve" : "approve").append("</strong> it.</p>")
                .append("<div id=\"state\" class=\"status\" role=\"status\" aria-live=\"polite\"><span class=\"spinner\" aria-hidden=\"true\"></span>")
                .append("<span id=\"msg\">").append(p.failing() != null ? DEGRADED : waiting)
                .append("</span></div>")
                .append("<p class=\"meta\" id=\"expiry\">The request expires in <span id=\"left\">").append(human(left))
                .append("</span> (at ").append(HM.format(p.expiresAt())).append("). This page moves on by itself.</p>");
        if (!replay && p.kept() != null) {
            b.append("<p class=\"meta\" id=\"post-note\">Your ").append(Html.escape(p.method()))
                    .append(" was not sent yet. It is kept here; once it is approved you can send it with one click.</p>");
        } else if (!replay) {
            b.append("<p class=\"meta\" id=\"post-note\">Your ").append(Html.escape(p.method()))
                    .append(" was not sent. Once it is approved, go back and submit it again.</p>");
        }
        b.append(values(p));
        b.append("<noscript><p>This page updates by itself when JavaScript is on. <a href=\"")
                .append(Html.escape(links.page())).append("\">Check again</a>.</p></noscript>")
                .append("<div class=\"actions\"><a id=\"go\" class=\"button primary\" hidden href=\"")
                .append(Html.escape(links.proceed())).append("\">Continue</a>")
                .append("<button type=\"button\" id=\"back\" class=\"primary\" hidden>Go back</button>")
                .append("<form method=\"post\" action=\"").append(Html.escape(links.cancel())).append("\" id=\"cancel\">")
                .append("<input type=\"hidden\" name=\"p\" value=\"").append(Html.escape(p.ticket())).append("\">")
                .append("<button type=\"submit\">Cancel request</button></form></div>")
                .append("<div id=\"cfg\" hidden data-status=\"").append(Html.escape(links.status()))
                .append("\" data-proceed=\"").append(Html.escape(links.proceed()))
                .append("\" data-replay=\"").append(replay).append("\" data-kept=\"").append(p.kept() != null)
                .append("\" data-left=\"").append(left).append("\" data-waiting=\"").append(Html.escape(waiting))
                .append("\" data-degraded=\"").append(Html.escape(DEGRADED)).append("\" data-ended=\"").append(Html.escape(ENDED))
                .append("\"></div>");
        return Html.page("Approval required", b.toString(), nonce, SCRIPT);
    }

    /** What the approver saw, as a definition list, or nothing. */
    private static String values(StoredApproval p) {
        if (p.values().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<dl id=\"values\">");
        new java.util.TreeMap<>(p.values()).forEach((k, v) -> b.append("<dt>").append(Html.escape(k)).append("</dt><dd>")
                .append(Html.escape(v)).append("</dd>"));
        return b.append("</dl>").toString();
    }

    /**
     * An approved request that was kept: one click sends exactly it, once. The form carries a one-time token bound to
     * this ticket, this user and this session; nothing else in it is used.
     */
    static String approvedWithSendNow(StoredApproval p, Links links, String token, String nonce) {
        StringBuilder b = new StringBuilder("<h1 id=\"title\">Approved</h1>")
                .append("<div class=\"status ok\" role=\"status\">Approved")
                .append(p.decidedBy() == null ? "" : " by " + Html.escape(p.decidedBy()))
                .append(p.signed() ? ", signed" : "").append(".</div>")
                .append("<p>Your ").append(Html.escape(p.method())).append(" to <code>")
                .append(Html.escape(p.target().split("\\?", 2)[0])).append("</code> is ready to be sent exactly as you made it")
                .append(p.values().isEmpty() ? "." : ":").append("</p>").append(values(p))
                .append("<div class=\"actions\"><form method=\"post\" action=\"").append(Html.escape(links.send()))
                .append("\" id=\"send\"><input type=\"hidden\" name=\"p\" value=\"").append(Html.escape(p.ticket()))
                .append("\"><input type=\"hidden\" name=\"token\" value=\"").append(Html.escape(token))
                .append("\"><button type=\"submit\" class=\"primary\" id=\"send-now\">Send now</button></form>")
                .append("<a class=\"button\" href=\"").append(Html.escape(links.home())).append("\">Home</a></div>");
        return Html.page("Approved", b.toString(), nonce, null);
    }

    /** A Send now click that cannot run: already sent, another session, or the approval is used up. */
    static String notSent(String why, String home, String nonce) {
        return Html.page("Not sent", "<h1 id=\"title\">Not sent</h1><div class=\"status bad\" role=\"alert\" id=\"why\">"
                + Html.escape(why) + "</div><div class=\"actions\"><a class=\"button\" href=\"" + Html.escape(home)
                + "\">Home</a></div>", nonce, null);
    }

    /** Asks why, before an approval request is sent. */
    static String reason(ReasonDrafts.Draft d, String action, String home, String error, int maxLength, String nonce) {
        boolean required = d.protection().reason() == Reason.REQUIRED;
        StringBuilder b = new StringBuilder("<h1 id=\"title\">Why do you need this?</h1>")
                .append("<p>This action needs a just-in-time approval. ").append(required ? "Tell" : "You may tell")
                .append(" the approver why you need it; your reason goes with the request, on a line of its own, at most ")
                .append(maxLength).append(" characters.</p>");
        if (error != null) {
            b.append("<div class=\"status bad\" role=\"alert\" id=\"error\">").append(Html.escape(error)).append("</div>");
        }
        b.append("<form method=\"post\" action=\"").append(Html.escape(action)).append("\" id=\"reason-form\">")
                .append("<input type=\"hidden\" name=\"p\" value=\"").append(Html.escape(d.id())).append("\">")
                .append("<p><label for=\"reason\">Reason").append(required ? "" : " (optional)").append("</label><br>")
                .append("<textarea id=\"reason\" name=\"reason\" rows=\"3\" cols=\"48\" maxlength=\"")
                .append(maxLength).append("\"").append(required ? " required" : "").append("></textarea></p>")
                .append("<div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"ask\">Send request</button>");
        if (!required) {
            b.append("<button type=\"submit\" name=\"skip\" value=\"1\" id=\"skip\" formnovalidate>Send without a reason</button>");
        }
        b.append("<a class=\"button\" href=\"").append(Html.escape(home)).append("\">Cancel</a></div></form>");
        return Html.page("Reason", b.toString(), nonce, null);
    }

    static String limited(long retryAfterSeconds, String home, String nonce) {
        return Html.page("Too many approval requests", "<h1 id=\"title\">Too many approval requests</h1><p>You asked for "
                + "several approvals in a short time. To keep approvers from being flooded, a new request can be sent in "
                + "<strong id=\"retry-after\">" + human(retryAfterSeconds) + "</strong>. Nothing was sent.</p>"
                + "<div class=\"actions\"><a class=\"button\" href=\"" + Html.escape(home) + "\">Home</a></div>", nonce, null);
    }

    static String rejected(StoredApproval p, Links links, String nonce) {
        StringBuilder b = new StringBuilder("<h1 id=\"title\">Request rejected</h1>")
                .append("<div class=\"status bad\" role=\"alert\">The approver rejected this request.</div>");
        if (p.comment() != null && !p.comment().isBlank()) {
            b.append("<p>Their comment:</p><blockquote id=\"comment\">").append(Html.escape(p.comment())).append("</blockquote>");
        }
        b.append("<div class=\"actions\"><form method=\"post\" action=\"").append(Html.escape(links.retry())).append("\">")
                .append("<input type=\"hidden\" name=\"p\" value=\"").append(Html.escape(p.ticket())).append("\">")
                .append("<button type=\"submit\" class=\"primary\">Ask again</button></form>")
                .append("<a class=\"button\" href=\"").append(Html.escape(links.home())).append("\">Home</a></div>");
        return Html.page("Request rejected", b.toString(), nonce, null);
    }

    static String ended(StoredApproval p, Links links, String nonce) {
        String what = p.status() == ApprovalStatus.CANCELLED ? "cancelled" : "expired";
        String b = "<h1 id=\"title\">Request " + what + "</h1><div class=\"status bad\" role=\"status\">The approval request "
                + (p.status() == ApprovalStatus.CANCELLED ? "was cancelled." : "expired before anyone decided.") + "</div>"
                + "<div class=\"actions\"><form method=\"post\" action=\"" + Html.escape(links.retry()) + "\">"
                + "<input type=\"hidden\" name=\"p\" value=\"" + Html.escape(p.ticket()) + "\">"
                + "<button type=\"submit\" class=\"primary\">Ask again</button></form>"
                + "<a class=\"button\" href=\"" + Html.escape(links.home()) + "\">Home</a></div>";
        return Html.page("Request " + what, b, nonce, null);
    }

    /** A value too long to be shown whole: which one, how long it may be, and that nothing was sent. */
    static String tooLong(Decision.TooLong t, String home, String nonce) {
        boolean reason = "reason".equals(t.field());
        return Html.page("Value too long", "<h1 id=\"title\">Value too long</h1><div class=\"status bad\" role=\"alert\" "
                + "id=\"why\">" + (reason ? "Your reason" : "The value of <strong id=\"field\">" + Html.escape(t.field())
                + "</strong>") + " is " + t.length() + " characters long; the approver can be shown at most <strong id=\"limit\">"
                + t.limit() + "</strong>.</div><p>An approval only ever covers what the approver saw whole, so nothing was sent. "
                + "Go back, shorten it and try again.</p><div class=\"actions\"><a class=\"button\" href=\""
                + Html.escape(home) + "\">Home</a></div>", nonce, null);
    }

    /** An unsafe request sent by a page of another origin. */
    static String crossOrigin(String home, String nonce) {
        return Html.page("Request refused", "<h1 id=\"title\">Request refused</h1><div class=\"status bad\" role=\"alert\" "
                + "id=\"why\">This request was sent by a page of another site, so it was not carried out and no approval was "
                + "asked for.</div><p>If you meant to do this, open the application itself and do it from there.</p>"
                + "<div class=\"actions\"><a class=\"button\" href=\"" + Html.escape(home) + "\">Home</a></div>", nonce, null);
    }

    static String locked(String home, String nonce) {
        return Html.page("Not available", "<h1 id=\"title\">Not available</h1><p>This action is not available for your "
                + "account right now. If you need it, contact your administrator.</p><div class=\"actions\"><a class=\"button\" href=\""
                + Html.escape(home) + "\">Home</a></div>", nonce, null);
    }

    static String unavailable(String home, String nonce) {
        return Html.page("Approval service unavailable", "<h1 id=\"title\">Please try again shortly</h1><p>The approval "
                + "service cannot be reached right now, so this action cannot be approved. Nothing was changed.</p>"
                + "<div class=\"actions\"><a class=\"button\" href=\"" + Html.escape(home) + "\">Home</a></div>", nonce, null);
    }

    static String misconfigured(String home, String nonce) {
        return Html.page("Not available", "<h1 id=\"title\">This action cannot be approved right now</h1><p id=\"why\">The "
                + "approval service is not set up correctly for it, so no approval can be asked for. Nothing was changed. The "
                + "administrators can see the cause in the application's log.</p><div class=\"actions\"><a class=\"button\" href=\""
                + Html.escape(home) + "\">Home</a></div>", nonce, null);
    }

    static String unauthenticated(String nonce) {
        return Html.page("Sign-in required", "<h1 id=\"title\">Sign-in required</h1><p>Please sign in to use this page.</p>",
                nonce, null);
    }

    static String notFound(String home, String nonce) {
        return Html.page("No such request", "<h1 id=\"title\">No such approval request</h1><p>It may have been completed "
                + "or forgotten already.</p><div class=\"actions\"><a class=\"button\" href=\"" + Html.escape(home)
                + "\">Home</a></div>", nonce, null);
    }

    static boolean replayable(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    static String human(long seconds) {
        if (seconds >= 3600) {
            return seconds / 3600 + " h " + (seconds % 3600) / 60 + " min";
        }
        if (seconds >= 60) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }

    /** What the pending page says while NL3 fails; it goes back to waiting by itself when NL3 answers again. */
    static final String DEGRADED = "Still trying to reach the approval service\u2026 This page keeps trying by itself.";

    /** What the pending page's script says when the request reaches each final state, by state (JSON). */
    private static final String ENDED = Nl3Json.write(ApprovalStatus.pageTexts());

    /**
     * Long-polls the status endpoint and moves on the moment the request is approved. Shows after every answer what
     * the server says: waiting, the service not answering, or the text of the final state reached (then it stops and
     * reloads). It never asks more than once a second, and waits two seconds after a failed request.
     */
    private static final String SCRIPT = """
            (function(){var c=document.getElementById('cfg').dataset,msg=document.getElementById('msg'),
            DEGRADED=c.degraded,WAITING=c.waiting,ENDED=JSON.parse(c.ended),
            st=document.getElementById('state'),left=+c.left,leftEl=document.getElementById('left'),done=false;
            function fmt(s){return s>=3600?Math.floor(s/3600)+' h '+Math.floor(s%3600/60)+' min':s>=60?Math.floor(s/60)+' min':s+' s';}
            setInterval(function(){if(!done&&left>0){left--;leftEl.textContent=fmt(left);}},1000);
            function end(cls,text){done=true;st.className='status '+cls;st.querySelector('.spinner')&&st.querySelector('.spinner').remove();
            msg.textContent=text;var cf=document.getElementById('cancel');if(cf)cf.hidden=true;document.getElementById('expiry').hidden=true;}
            function show(j){
            if(j.approvalStatus==='APPROVED'){if(c.replay==='true'){end('ok','Approved. Continuing\u2026');location.replace(c.proceed);}
            else if(j.sendNow){end('ok','Approved.');location.reload();}
            else{end('ok','Approved. Go back and submit your request again.');var b=document.getElementById('back');b.hidden=false;
            b.onclick=function(){history.back();};}return true;}
            if(j.final){end('bad',ENDED[j.approvalStatus]||j.approvalStatus);setTimeout(function(){location.reload();},300);return true;}
            msg.textContent=j.unavailable?DEGRADED:WAITING;
            return false;}
            function poll(){var t=Date.now();fetch(c.status+'&wait=25',{headers:{'Accept':'application/json'},credentials:'same-origin',cache:'no-store'})
            .then(function(r){if(r.status===404){location.reload();throw 0;}if(!r.ok)throw 1;return r.json();})
            .then(function(j){if(!show(j))setTimeout(poll,Math.max(0,1000-(Date.now()-t)));})
            .catch(function(e){if(e!==0){msg.textContent=DEGRADED;setTimeout(poll,2000);}});}
            poll();})();
            """;
}
