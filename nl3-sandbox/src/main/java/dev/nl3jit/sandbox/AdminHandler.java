package dev.nl3jit.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JSON admin API under {@code /sandbox/api/}, for tests and scripts. Every call that changes something (POST,
 * PUT, PATCH, DELETE) takes {@code Content-Type: application/json}, and no call is answered for a page of another
 * origin (see {@link BrowserGuard}): a web page the approver opens cannot unlock a user or add faults.
 */
final class AdminHandler {
    static final String PREFIX = "/sandbox/api/";
    private final Sandbox sandbox;
    private final State state;

    AdminHandler(Sandbox sandbox, State state) {
        this.sandbox = sandbox;
        this.state = state;
    }

    Reply handle(Req req) throws IOException {
        BrowserGuard.requireSameOrigin(req);
        BrowserGuard.requireJson(req);
        String[] p = req.path.substring(PREFIX.length()).split("/", -1);
        switch (p[0]) {
            case "requests" -> {
                if (p.length == 1) {
                    ApiHandler.requireMethod(req, "GET");
                    String status = req.query.get("status");
                    List<Map<String, Object>> list = state.list(status == null ? null : status.toUpperCase(java.util.Locale.ROOT))
                            .stream().map(ApprovalView::adminJson).toList();
                    return Reply.json(200, Json.object("requests", list));
                }
                if (p.length == 2) {
                    ApiHandler.requireMethod(req, "GET");
                    return Reply.json(200, state.get(p[1]).adminJson());
                }
                if (p.length == 3 && p[2].equals("approve")) {
                    ApiHandler.requireMethod(req, "POST");
                    Map<String, Object> body = req.jsonBody();
                    return Reply.json(200, state.approve(p[1], Json.optString(body, "approver"),
                            Json.optString(body, "comment"), Json.optString(body, "signature")).adminJson());
                }
                if (p.length == 3 && p[2].equals("reject")) {
                    ApiHandler.requireMethod(req, "POST");
                    Map<String, Object> body = req.jsonBody();
                    return Reply.json(200, state.reject(p[1], Json.optString(body, "approver"),
                            Json.optString(body, "comment")).adminJson());
                }
            }
            case "users" -> {
                if (p.length == 3 && (p[2].equals("lock") || p[2].equals("unlock"))) {
                    ApiHandler.requireMethod(req, "POST");
                    Seed.User u = state.setLocked(p[1], p[2].equals("lock"));
                    return Reply.json(200, Json.object("username", u.username(), "locked", u.locked()));
                }
                if (p.length == 1) {
                    ApiHandler.requireMethod(req, "GET");
                    return Reply.json(200, Json.object("users", state.users().stream().map(u -> Json.object(
                            "username", u.username(), "email", u.email(), "locked", u.locked(), "enrolled", u.enrolled()))
                            .toList()));
                }
            }
            case "faults" -> {
                if (p.length == 1) {
                    switch (req.method) {
                        case "POST" -> {
                            Fault fault = Fault.fromJson(req.jsonBody());
                            sandbox.fault(fault);
                            return Reply.json(201, fault.toJson());
                        }
                        case "DELETE" -> {
                            sandbox.clearFaults();
                            return Reply.empty(204);
                        }
                        case "GET" -> {
                            return Reply.json(200, Json.object("faults",
                                    sandbox.faults().stream().map(Fault::toJson).toList()));
                        }
                        default -> throw BadRequest.methodNotAllowed(req.method, req.path, "GET, POST, DELETE");
                    }
                }
            }
            case "log" -> {
                if (p.length == 1) {
                    ApiHandler.requireMethod(req, "GET");
                    return Reply.json(200, Json.object("calls", sandbox.calls().stream().map(Call::toJson).toList()));
                }
            }
            case "reset" -> {
                if (p.length == 1) {
                    ApiHandler.requireMethod(req, "POST");
                    sandbox.reset();
                    return Reply.empty(204);
                }
            }
            case "clock" -> {
                if (p.length == 1) {
                    ApiHandler.requireMethod(req, "POST");
                    Object seconds = req.jsonBody().get("advanceSeconds");
                    if (!(seconds instanceof Number n) || n.longValue() < 0) {
                        throw new BadRequest("advanceSeconds must be a number >= 0");
                    }
                    sandbox.advanceClock(Duration.ofSeconds(n.longValue()));
                    return Reply.json(200, Json.object("now", sandbox.now().toString()));
                }
            }
            default -> {
            }
        }
        throw BadRequest.notFound("no admin endpoint at " + req.method + " " + req.path);
    }
}
