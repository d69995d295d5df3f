package dev.nl3jit.sandbox;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/** The NL3 API itself: lock check on both paths, approval request create, status and cancel. */
final class ApiHandler {
    static final String PREFIX = "/nl3/api/v1/";
    static final String TOKEN_HEADER = "x-nl3-authorization-token";

    private final State state;
    private final TokenValidator tokens;

    ApiHandler(State state, TokenValidator tokens) {
        this.state = state;
        this.tokens = tokens;
    }

    Reply handle(Req req) throws IOException {
        String rest = req.path.substring(PREFIX.length());
        if (rest.equals("accountProtectionCheck")) {
            requirePost(req);
            return lockCheck(req, false);
        }
        if (rest.equals("sdk/accountLockCheck")) {
            requirePost(req);
            return lockCheck(req, true);
        }
        if (rest.equals("approvalRequest")) {
            requirePost(req);
            return create(req);
        }
        if (rest.startsWith("approvalRequest/")) {
            String[] parts = rest.substring("approvalRequest/".length()).split("/", -1);
            if (parts.length == 1 && !parts[0].isEmpty()) {
                requireMethod(req, "GET");
                TokenValidator.Verified token = authenticate(req, req.header(TOKEN_HEADER));
                return Reply.json(200, state.getForRequester(parts[0], token.subject()).statusJson());
            }
            if (parts.length == 2 && parts[1].equals("cancel") && !parts[0].isEmpty()) {
                requirePost(req);
                TokenValidator.Verified token = authenticate(req, req.header(TOKEN_HEADER));
                return Reply.json(200, state.cancel(parts[0], token.subject()).statusJson());
            }
        }
        throw BadRequest.notFound("no NL3 endpoint at " + req.path);
    }

    private Reply lockCheck(Req req, boolean sdk) throws IOException {
        String headerToken = req.header(TOKEN_HEADER);
        Map<String, Object> body = req.body().isBlank() ? Map.of() : req.jsonBody();
        String token = headerToken;
        if (sdk && token == null) {
            token = Json.optString(body, "nl3UserToken");
        }
        TokenValidator.Verified verified = authenticate(req, token);
        String username = verified.subject();
        if (sdk) {
            String account = Json.optString(body, "userAccountId");
            if (account != null && !account.isBlank()) {
                username = account;
            }
        }
        Seed.User user = state.user(username);
        if (user == null || !user.enrolled()) {
            // NL3's integrations read a 200 without "locked" as "user not enrolled for protection".
            return Reply.json(200, Json.object("message", "user is not enrolled for account protection"));
        }
        if (sdk) {
            return Reply.json(200, Json.object("locked", String.valueOf(user.locked()),
                    "message", user.locked() ? "account is locked" : "account is unlocked",
                    "sessionID", UUID.randomUUID().toString(), "status", "success"));
        }
        return Reply.json(200, Json.object("locked", user.locked(),
                "message", user.locked() ? "account is locked" : "account is unlocked"));
    }

    private Reply create(Req req) throws IOException {
        TokenValidator.Verified token = authenticate(req, req.header(TOKEN_HEADER));
        Map<String, Object> body = req.jsonBody();
        Object templateId = body.get("templateId");
        if (templateId != null && !(templateId instanceof String)) {
            throw new BadRequest("templateId must be a string: the template's Approval Key");
        }
        String forwarded = req.header("x-forwarded-for");
        String ip = forwarded == null || forwarded.isBlank() ? req.remoteIp() : forwarded.split(",")[0].strip();
        ApprovalView view = state.create(token.subject(), (String) templateId, Json.optStringList(body, "approvers"),
                Json.optStringMap(body, "metaData"), req.header("User-Agent"), ip);
        Map<String, Object> json = Json.object("requestId", view.requestId(), "status", view.status(),
                "templateId", view.templateId(), "approvalType", view.approvalType().name(),
                "createdAt", view.createdAt().toString(), "expiresAt", view.expiresAt().toString());
        return Reply.json(201, json).header("Location", PREFIX + "approvalRequest/" + view.requestId());
    }

    private TokenValidator.Verified authenticate(Req req, String token) {
        try {
            TokenValidator.Verified verified = tokens.validate(token);
            req.claims = verified.claims();
            return verified;
        } catch (TokenValidator.Rejected e) {
            if (e.claims() != null) {
                req.claims = e.claims();
            }
            throw new BadRequest(401, "invalid_token", e.getMessage());
        }
    }

    private static void requirePost(Req req) {
        requireMethod(req, "POST");
    }

    static void requireMethod(Req req, String method) {
        if (!req.method.equals(method)) {
            throw BadRequest.methodNotAllowed(req.method, req.path, method);
        }
    }
}
