package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.Answer;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.GrantBinding;
import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.internal.store.StoredApproval;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.internal.engine.Decision;
import dev.nl3jit.filter.internal.engine.Engine;
import dev.nl3jit.filter.internal.engine.RequestFacts;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One engine as the web side serves it: a request becomes {@link RequestFacts}, the engine's {@link Decision} becomes
 * the answer for the kind of client that asked (rendered once, by the {@link Responder}), and unsafe requests a browser
 * marks as sent from elsewhere are refused before the engine is asked.
 */
public final class WebEngine {
    /** API clients give a reason in this header. */
    public static final String REASON_HEADER = "NL3-Reason";

    private final Engine engine;
    private final Responder responder;
    private final Origins origins;
    private final List<String> apiPaths;
    private final int maxKeptBody;
    /** With {@code nl3.grant-binding=session} a grant needs a session to bind to: one is made. */
    private final boolean sessionBound;

    public WebEngine(Engine engine, Nl3Settings settings, Clock clock) {
        this.engine = engine;
        this.responder = new Responder(settings, clock);
        this.origins = new Origins(settings.allowedOrigins());
        this.apiPaths = settings.apiPaths();
        this.maxKeptBody = settings.maxKeptBody();
        this.sessionBound = settings.grantBinding() == GrantBinding.SESSION;
    }

    /** The engine behind. */
    public Engine engine() {
        return engine;
    }

    String tag() {
        return engine.tag();
    }

    Responder responder() {
        return responder;
    }

    ClientKind kindOf(HttpServletRequest req) {
        return ClientKind.of(req, apiPaths);
    }

    /** This engine's approval with {@code ticket}, if it belongs to {@code principal}. */
    Optional<StoredApproval> ticket(String ticket, Principal principal) {
        return engine.ticket(ticket, principal);
    }

    /** Checks an HTTP request and renders the answer for its kind of client. */
    public CheckResult check(HttpServletRequest req, Protection protection, Map<String, String> known) {
        if (origins.foreign(req)) {
            // Before the grant path too: an approval must not be usable from another origin's page either.
            return CheckResult.of(CheckResult.Outcome.CROSS_ORIGIN, null, drained(req, Responder.crossOrigin(req, kindOf(req))));
        }
        String user = engine.username(req.getUserPrincipal());
        if (user == null) {
            return CheckResult.of(CheckResult.Outcome.UNAUTHENTICATED, null, Responder.unauthenticated(kindOf(req)));
        }
        boolean grantFirst = protection.scope() == GrantScope.KEY && !sessionBound;
        Boolean granted = grantFirst ? engine.passIfGranted(protection, user) : null;
        if (Boolean.TRUE.equals(granted)) {
            return CheckResult.PASSED;
        }
        boolean grantTried = Boolean.FALSE.equals(granted);
        // A store that failed (or overran nl3.store-timeout) on the grant is not asked again: one wait per request.
        Decision d = grantFirst && granted == null ? engine.storeFailed()
                : engine.decide(protection, facts(req, protection, user, known), grantTried);
        return result(req, d, kindOf(req));
    }

    /**
     * Goes on with a request that waited for a reason: {@code reason} (or none, where one is optional) is sent with it.
     * The draft is used once.
     */
    Optional<CheckResult> withReason(HttpServletRequest req, String draftId, String user, String reason) {
        return engine.drafts().take(draftId, user).map(d -> {
            RequestFacts facts = d.facts().resolved(reason, false);
            Decision decision = engine.decide(d.protection(), facts);
            if (decision.passed()) {
                return CheckResult.of(decision.outcome(), null, Responder.redirect(Responder.back(req, d.facts().method(),
                        d.facts().target())));
            }
            return result(req, decision, ClientKind.BROWSER);
        });
    }

    /** The one translation of a decision into what the caller gets. */
    private CheckResult result(HttpServletRequest req, Decision d, ClientKind kind) {
        if (d.passed()) {
            return CheckResult.of(d.outcome(), null, null);
        }
        Answer answer = responder.answer(req, d, kind);
        // A waiting request's body was kept (read); a refused one's body is read and dropped here.
        return CheckResult.of(d.outcome(), d.approval(), d.waits() ? answer : drained(req, answer));
    }

    /**
     * The answer to a refused request, after its unread body (up to 64 KB) was read and dropped so that the connection
     * can serve the next request; with more, or a body that cannot be read, the answer closes the connection.
     */
    private static Answer drained(HttpServletRequest req, Answer answer) {
        if (Origins.safe(req.getMethod()) || Streams.discard(req, 64 * 1024)) {
            return answer;
        }
        return answer.with("Connection", "close");
    }

    /** Whether {@code req} is an unsafe request a browser marks as sent from another origin (then logged once). */
    boolean foreign(HttpServletRequest req) {
        return origins.foreign(req);
    }

    RequestFacts facts(HttpServletRequest req, Protection protection, String user, Map<String, String> known) {
        Map<String, String> params = Map.of();
        if (!protection.parameterMetadata().isEmpty()) {
            params = new HashMap<>();
            for (String name : protection.parameterMetadata().keySet()) {
                String v = known.containsKey(name) ? known.get(name) : req.getParameter(name);
                if (v != null) {
                    params.put(name, v);
                }
            }
        }
        return new RequestFacts(user, req.getMethod(), SafePaths.pathInApp(req), SafePaths.target(req), req.getRemoteAddr(),
                req.getHeader("User-Agent"), params, once(() -> Sessions.hash(req, sessionBound)),
                () -> KeptRequests.keep(req, maxKeptBody), RequestFacts.cleanReason(req.getHeader(REASON_HEADER)),
                () -> kindOf(req) == ClientKind.BROWSER);
    }

    /** A supplier that computes at most once, on first use. */
    private static <T> Supplier<T> once(Supplier<T> s) {
        Object[] cell = new Object[2];
        return () -> {
            if (cell[0] == null) {
                cell[1] = s.get();
                cell[0] = Boolean.TRUE;
            }
            @SuppressWarnings("unchecked")
            T t = (T) cell[1];
            return t;
        };
    }
}
