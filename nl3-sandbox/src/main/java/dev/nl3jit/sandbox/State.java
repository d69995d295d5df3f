package dev.nl3jit.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sandbox's world: applications, users, templates and approval requests. Thread-safe by one lock. */
final class State {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
    static final List<String> STATUSES = List.of("PENDING", "APPROVED", "REJECTED", "EXPIRED", "CANCELLED");

    private final Clock clock;
    private final Seed seed;
    private final Map<String, byte[]> keys = new HashMap<>();
    private final Map<String, Seed.Template> templates = new HashMap<>();
    private final Map<String, Seed.User> users = new LinkedHashMap<>();
    private final Map<String, Request> requests = new LinkedHashMap<>();

    /** One approval request, mutable under the state's lock. */
    private static final class Request {
        final String id;
        final Seed.Template template;
        final String requester;
        final List<String> approvers;
        final Map<String, String> metaData;
        final String userAgent;
        final String userIp;
        final Instant createdAt;
        final Instant expiresAt;
        String status = "PENDING";
        Instant decidedAt;
        String decidedBy;
        String comment;
        String signer;
        Instant signedAt;

        Request(String id, Seed.Template template, String requester, List<String> approvers,
                Map<String, String> metaData, String userAgent, String userIp, Instant createdAt) {
            this.id = id;
            this.template = template;
            this.requester = requester;
            this.approvers = approvers;
            this.metaData = metaData;
            this.userAgent = userAgent;
            this.userIp = userIp;
            this.createdAt = createdAt;
            this.expiresAt = createdAt.plus(template.pendingTtl());
        }
    }

    State(Clock clock, Seed seed) {
        this.clock = clock;
        this.seed = seed;
        for (Seed.Application app : seed.applications()) {
            keys.put(app.issuer().toLowerCase(Locale.ROOT), app.keyBytes());
        }
        for (Seed.Template t : seed.templates()) {
            templates.put(t.approvalKey(), t);
        }
        reset();
    }

    Seed seed() {
        return seed;
    }

    byte[] keyFor(String issuerLowerCase) {
        return keys.get(issuerLowerCase);
    }

    synchronized void reset() {
        requests.clear();
        users.clear();
        for (Seed.User u : seed.users()) {
            users.put(u.username().toLowerCase(Locale.ROOT), u);
        }
    }

    synchronized List<Seed.User> users() {
        return List.copyOf(users.values());
    }

    synchronized Seed.User setLocked(String username, boolean locked) {
        Seed.User u = users.get(username.toLowerCase(Locale.ROOT));
        if (u == null) {
            throw BadRequest.notFound("unknown user: " + username);
        }
        Seed.User changed = new Seed.User(u.username(), u.email(), locked, u.enrolled());
        users.put(u.username().toLowerCase(Locale.ROOT), changed);
        return changed;
    }

    /** The user by username or e-mail, or null. */
    synchronized Seed.User user(String nameOrEmail) {
        if (nameOrEmail == null) {
            return null;
        }
        Seed.User u = users.get(nameOrEmail.toLowerCase(Locale.ROOT));
        if (u != null) {
            return u;
        }
        for (Seed.User candidate : users.values()) {
            if (candidate.email() != null && candidate.email().equalsIgnoreCase(nameOrEmail)) {
                return candidate;
            }
        }
        return null;
    }

    synchronized ApprovalView create(String requester, String templateId, List<String> approvers,
            Map<String, String> metaData, String userAgent, String userIp) {
        if (templateId == null || templateId.isBlank()) {
            throw new BadRequest("templateId is required: the template's Approval Key");
        }
        Seed.Template template = templates.get(templateId);
        if (template == null) {
            throw new BadRequest("unknown templateId: " + templateId);
        }
        Seed.User user = user(requester);
        if (user == null) {
            throw new BadRequest(400, "unknown_user", "unknown requester: " + requester + " is not a user of this company");
        }
        if (user.locked()) {
            throw new BadRequest(403, "account_locked", "the requester's account is locked");
        }
        if (approvers.isEmpty() && template.approvers().isEmpty()) {
            throw new BadRequest("no approvers: the request names none and template " + templateId + " has no default approvers");
        }
        String id = UUID.randomUUID().toString();
        Request r = new Request(id, template, requester, approvers, Map.copyOf(metaData), userAgent, userIp,
                clock.instant());
        requests.put(id, r);
        return view(r);
    }

    synchronized ApprovalView get(String id) {
        return view(find(id));
    }

    /** The status as the requester may read it. */
    synchronized ApprovalView getForRequester(String id, String requester) {
        Request r = find(id);
        if (!r.requester.equals(requester)) {
            throw BadRequest.forbidden("only the requester can read this request");
        }
        return view(r);
    }

    synchronized ApprovalView cancel(String id, String requester) {
        Request r = find(id);
        if (!r.requester.equals(requester)) {
            throw BadRequest.forbidden("only the requester can cancel this request");
        }
        expireIfDue(r);
        if (!r.status.equals("PENDING")) {
            throw BadRequest.conflict("request is " + r.status + ", only a PENDING request can be cancelled");
        }
        r.status = "CANCELLED";
        r.decidedAt = clock.instant();
        r.decidedBy = requester;
        return view(r);
    }

    synchronized ApprovalView approve(String id, String approver, String comment, String signature) {
        Request r = decidable(id, approver);
        if (r.template.type() == Seed.ApprovalType.SIGN_AND_APPROVE && (signature == null || signature.isBlank())) {
            throw new BadRequest(400, "signature_required",
                    "template " + r.template.approvalKey() + " is Sign and Approve: a signature is required to approve");
        }
        Instant now = clock.instant();
        r.status = "APPROVED";
        r.decidedAt = now;
        r.decidedBy = approver;
        r.comment = blankToNull(comment);
        if (r.template.type() == Seed.ApprovalType.SIGN_AND_APPROVE) {
            r.signer = signature.strip();
            r.signedAt = now;
        }
        return view(r);
    }

    synchronized ApprovalView reject(String id, String approver, String comment) {
        Request r = decidable(id, approver);
        r.status = "REJECTED";
        r.decidedAt = clock.instant();
        r.decidedBy = approver;
        r.comment = blankToNull(comment);
        return view(r);
    }

    synchronized List<ApprovalView> list(String status) {
        if (status != null && !STATUSES.contains(status)) {
            throw new BadRequest("status must be one of " + STATUSES + ", got " + status);
        }
        List<ApprovalView> out = new ArrayList<>();
        for (Request r : requests.values()) {
            expireIfDue(r);
            if (status == null || status.equals(r.status)) {
                out.add(view(r));
            }
        }
        out.sort(Comparator.comparing(ApprovalView::createdAt).reversed());
        return out;
    }

    private Request decidable(String id, String approver) {
        Request r = find(id);
        if (approver == null || approver.isBlank()) {
            throw new BadRequest("approver is required");
        }
        expireIfDue(r);
        if (!r.status.equals("PENDING")) {
            throw BadRequest.conflict("request is " + r.status + ", only a PENDING request can be decided");
        }
        Seed.User approverUser = user(approver);
        Seed.User requesterUser = user(r.requester);
        boolean self = approver.equalsIgnoreCase(r.requester)
                || (approverUser != null && approverUser.equals(requesterUser));
        if (self) {
            throw BadRequest.forbidden("a requester can never approve or reject their own request");
        }
        List<String> allowed = r.approvers.isEmpty() ? r.template.approvers() : r.approvers;
        if (!isListed(approver, approverUser, allowed)) {
            throw BadRequest.forbidden(approver + " is not an approver of this request");
        }
        if (approverUser != null && approverUser.locked()) {
            throw BadRequest.forbidden("the approver's account is locked");
        }
        if (requesterUser != null && requesterUser.locked()) {
            throw BadRequest.forbidden("the requester's account is locked: their requests cannot be approved");
        }
        return r;
    }

    private static boolean isListed(String approver, Seed.User approverUser, List<String> allowed) {
        for (String entry : allowed) {
            if (entry.equalsIgnoreCase(approver)) {
                return true;
            }
            if (approverUser != null && (entry.equalsIgnoreCase(approverUser.username())
                    || (approverUser.email() != null && entry.equalsIgnoreCase(approverUser.email())))) {
                return true;
            }
        }
        return false;
    }

    private Request find(String id) {
        Request r = requests.get(id);
        if (r == null) {
            throw BadRequest.notFound("unknown approval request: " + id);
        }
        return r;
    }

    private void expireIfDue(Request r) {
        if (r.status.equals("PENDING") && !clock.instant().isBefore(r.expiresAt)) {
            r.status = "EXPIRED";
            r.decidedAt = r.expiresAt;
        }
    }

    private ApprovalView view(Request r) {
        expireIfDue(r);
        return new ApprovalView(r.id, r.template.approvalKey(), r.template.type(), r.status, r.requester,
                r.approvers.isEmpty() ? r.template.approvers() : r.approvers, r.metaData,
                render(r.template.title(), r), render(r.template.approvalData(), r), r.userAgent, r.userIp,
                r.createdAt, r.expiresAt, r.decidedAt, r.decidedBy, r.comment, r.signer, r.signedAt);
    }

    private String render(String text, Request r) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = r.metaData.get(key);
            if (value == null) {
                value = r.template.defaults().get(key);
            }
            if (value == null && key.equals("companyName")) {
                value = seed.companyName();
            }
            // A value is one value: its line breaks, bidi controls and other invisible characters are shown as
            // [U+XXXX], so it can neither start a line that looks like the template's nor hide or reorder text.
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : Visible.escape(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
