package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Ledger;

import dev.nl3jit.filter.internal.web.EngineRegistry;
import dev.nl3jit.filter.internal.web.FilterSetup;
import dev.nl3jit.filter.internal.web.PendingEndpoint;
import dev.nl3jit.filter.internal.web.RequestGuard;
import dev.nl3jit.filter.internal.web.SafePaths;
import dev.nl3jit.filter.internal.settings.SettingsTable;
import dev.nl3jit.filter.spi.UsernameMapper;
import dev.nl3jit.filter.spi.KeyValueStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Puts a just-in-time human approval from NL3 in front of every request it is mapped to.
 *
 * <p>For each request: no authenticated user → the container is asked to challenge (else 401); a live
 * grant for (user, approval key, scope) → the request passes with no token minted and no network call, one use taken
 * atomically; a user known locked → 403 with no call; a pending approval → its status (at most one NL3 call per poll
 * interval); otherwise, within the user's request limit, the NL3 lock check (a locked account gets a deliberately
 * vague 403) and a new approval request. A state-changing request is kept on the server and, once approved, sent
 * once by the pending page's Send now. Browsers are sent ({@code 303}) to
 * a pending page that moves on by itself once an approver approves; {@code Accept: application/json} and
 * XHR callers get {@code 202} with an RFC 9457 problem body, a {@code Location} to poll and
 * {@code Retry-After}; Jakarta Faces Ajax requests get a {@code <partial-response><redirect>}. The
 * original URL stays on the server; only a random ticket travels. The pending page long-polls a status
 * endpoint; where the request supports async (the auto-registered pending-path filter does), the wait holds
 * no request thread. When NL3 fails (timeout, 5xx,
 * unparsable answer, connection error) the failure policy decides: closed (default) → 503, open → the
 * request passes and a WARNING is logged.
 *
 * <h2>Settings</h2>
 * Read, first wins, from the filter's init-params, the context-params, system properties, and environment
 * variables ({@code nl3.api-base-url} → {@code NL3_API_BASE_URL}; NL3's sample names {@code SIGNING_KEY},
 * {@code APP_URI}, {@code API_HOST} as last fallbacks). Durations take a unit ({@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 2h}, {@code 1d}; a bare number is seconds; ISO-8601 such as {@code PT5M} works too).
 * Every value is checked when the application deploys; one exception lists every problem, and unknown
 * {@code nl3.*} names are problems too. The signing key is never logged or shown.
 * <!-- settings:nl3-filter (rendered from SettingsTable; SettingsDocsTest fails when it differs) -->
 * <table>
 * <caption>Settings</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code nl3.signing-key}</td><td>required</td><td>the application's Base64 signing key from the NL3 portal; whitespace ignored; under 32 bytes logs a warning</td></tr>
 * <tr><td>{@code nl3.app-uri}</td><td>required</td><td>the application's registered FQDN, the tokens' {@code iss} (a scheme is stripped)</td></tr>
 * <tr><td>{@code nl3.api-host}</td><td>{@code api.nextlevel3.com}</td><td>the NL3 API host</td></tr>
 * <tr><td>{@code nl3.api-base-url}</td><td>{@code https://} + api-host</td><td>where the API is called</td></tr>
 * <tr><td>{@code nl3.audience}</td><td>api-host</td><td>the tokens' {@code aud}</td></tr>
 * <tr><td>{@code nl3.token-ttl}</td><td>{@code 300s}</td><td>token lifetime, {@code exp = iat + ttl} (10 s – 1 h)</td></tr>
 * <tr><td>{@code nl3.token-skew}</td><td>{@code 60s}</td><td>{@code nbf = iat − skew} (0 – 10 min)</td></tr>
 * <tr><td>{@code nl3.token-claims}</td><td>none</td><td>custom claims, {@code name=value,…}</td></tr>
 * <tr><td>{@code nl3.approval-key}</td><td>required for a mapped filter</td><td>the template's Approval Key ({@code templateId})</td></tr>
 * <tr><td>{@code nl3.approvers}</td><td>none: template defaults</td><td>comma-separated approvers</td></tr>
 * <tr><td>{@code nl3.metadata}</td><td>none</td><td>{@code key=value,…} sent as {@code metaData}; {@code requester}, {@code method}, {@code path}, {@code userAgent}, {@code ip}, {@code covers} are always ours and cannot be overwritten (nor {@code reason}, when the user typed one)</td></tr>
 * <tr><td>{@code nl3.parameters}</td><td>none</td><td>request parameters sent as metadata and bound by request-scoped grants: {@code name} or {@code name=metadataKey}, comma-separated</td></tr>
 * <tr><td>{@code nl3.grant-duration}</td><td>{@code 15m}</td><td>how long an approval lasts, counted from the approval (1 s – 7 d)</td></tr>
 * <tr><td>{@code nl3.grant-scope}</td><td>{@code key}</td><td>{@code key}: every request under the approval key; {@code request}: the same method, path and values of {@code nl3.parameters} only (a digest of the values the approver saw)</td></tr>
 * <tr><td>{@code nl3.grant-uses}</td><td>{@code auto}</td><td>requests one approval lets through: {@code auto} (1 for Sign and Approve, else unlimited), {@code unlimited}, or 1 – 1000000; taken atomically</td></tr>
 * <tr><td>{@code nl3.grant-binding}</td><td>{@code user}</td><td>{@code user}, or {@code session}: a grant serves only the HTTP session that asked</td></tr>
 * <tr><td>{@code nl3.store}</td><td>{@code memory}</td><td>{@code memory}, {@code jcache} (module {@code nl3-jcache}) or {@code redis} (module {@code nl3-redis}), each module's settings listed with it: grants, tickets, claims and limits shared by every node of a cluster</td></tr>
 * <tr><td>{@code nl3.store-timeout}</td><td>{@code 2s}</td><td>how long one call of a shared store ({@code jcache}, {@code redis}, or your own) may take (100 ms – 1 min); past it the request gets {@code 503}, as when the store is down; the in-memory store is never waited for</td></tr>
 * <tr><td>{@code nl3.reason}</td><td>{@code none}</td><td>{@code none}, {@code optional} or {@code required}: the user types a reason before the request is sent (mapped filter); API clients send it in the {@code NL3-Reason} header</td></tr>
 * <tr><td>{@code nl3.request-limit}</td><td>{@code 5/10m}</td><td>new approval requests per user per window (1 – 100000 per 1 s – 1 d); over it {@code 429} and no NL3 call</td></tr>
 * <tr><td>{@code nl3.lock-recheck}</td><td>{@code 30s}</td><td>the longest a lock takes, plus a second, to end the grants of a user holding them: NL3's answers are re-asked in the background before they are older than this (1 s – 1 h), within {@code nl3.max-status-calls} (users holding grants / this ≤ 8 tenths of it; past that a warning names the numbers and the fix)</td></tr>
 * <tr><td>{@code nl3.max-kept-body}</td><td>{@code 65536}</td><td>the largest POST/PUT/PATCH/DELETE body kept for Send now, in bytes (0 – 16777216; 0: keep none)</td></tr>
 * <tr><td>{@code nl3.max-value-length}</td><td>{@code 500}</td><td>the longest value the approver is shown whole, in characters (1 – 100000): a bound parameter, a method argument or a reason longer than this is refused before any approval request (browsers: a page naming the field and the limit; API clients: {@code 422}), never cut</td></tr>
 * <tr><td>{@code nl3.allowed-origins}</td><td>none</td><td>origins besides the application's own ({@code https://host[:port]}, comma-separated) whose pages may send unsafe protected requests; any other {@code Origin}, or {@code Sec-Fetch-Site: cross-site}/{@code same-site}, gets {@code 403} before any approval request</td></tr>
 * <tr><td>{@code nl3.poll-interval}</td><td>{@code 1s}</td><td>at most one status call per pending request per interval while nobody long-polls it (200 ms – 1 min); a request a page or API client long-polls is checked every 200 ms, within {@code nl3.max-status-calls}</td></tr>
 * <tr><td>{@code nl3.max-status-calls}</td><td>{@code 500}</td><td>NL3 calls per second at most, in every second (1 – 100000), for all of an application's engines on a node together (the smallest value wins): status checks, lock checks, approval requests and cancels all count. Users' own calls come first (a tenth is theirs alone; over the limit a first request waits up to a second, then gets {@code 503}), then the lock re-checks (up to 8 tenths), then the waiting pages' status checks, fresh requests more often than old ones (every 200 ms while they fit). NL3 publishes no rate limit we know of</td></tr>
 * <tr><td>{@code nl3.pending-timeout}</td><td>{@code 10m}</td><td>how long the application waits for a decision (10 s – 1 d)</td></tr>
 * <tr><td>{@code nl3.lock-check}</td><td>{@code true}</td><td>ask NL3 whether the account is locked before requesting an approval, before recording a grant, and in the background while grants live</td></tr>
 * <tr><td>{@code nl3.lock-check-failure}</td><td>{@code closed}</td><td>{@code closed} or {@code open} when the lock check fails</td></tr>
 * <tr><td>{@code nl3.not-enrolled}</td><td>{@code allow}</td><td>{@code allow} or {@code deny} a user NL3 reports as not enrolled</td></tr>
 * <tr><td>{@code nl3.approval-failure}</td><td>{@code closed}</td><td>{@code closed} (503) or {@code open} (pass, logged at WARNING) when an approval call fails</td></tr>
 * <tr><td>{@code nl3.connect-timeout}</td><td>{@code 2s}</td><td>connect timeout of NL3 calls (100 ms – 1 min)</td></tr>
 * <tr><td>{@code nl3.read-timeout}</td><td>{@code 5s}</td><td>read timeout of NL3 calls (100 ms – 1 min); no NL3 call holds a request longer than connect + read + 1 s, whatever the server does (a trickled or half-closed answer, or none); when {@code nl3.max-status-calls} is spent, a user's call first waits up to a second for room, then the request gets 503</td></tr>
 * <tr><td>{@code nl3.pending-path}</td><td>{@code /nl3-approval}</td><td>where the pending page, {@code /status}, {@code /continue}, {@code /cancel} and {@code /retry} are served; auto-registration maps it, else map a filter there too</td></tr>
 * <tr><td>{@code nl3.pending-page}</td><td>none</td><td>your own pending page to forward to; it gets request attributes {@code nl3.approval.status}, {@code .type}, {@code .approvers}, {@code .expiresAt}, {@code .comment}, {@code .replay}, {@code .statusUrl}, {@code .cancelUrl}, {@code .retryUrl}, {@code .continueUrl}, {@code .ticket}</td></tr>
 * <tr><td>{@code nl3.api-paths}</td><td>none</td><td>path prefixes whose callers always get problem+json, e.g. {@code /api/}</td></tr>
 * <tr><td>{@code nl3.methods}</td><td>every method</td><td>the HTTP methods a mapped filter protects, comma-separated, e.g. {@code POST,PUT,PATCH,DELETE}; {@code GET} brings {@code HEAD}; other methods pass unchecked</td></tr>
 * <tr><td>{@code nl3.max-response-size}</td><td>{@code 65536}</td><td>bytes read from an NL3 answer at most (1024 – 16777216)</td></tr>
 * <tr><td>{@code nl3.call-threads}</td><td>{@code 32}</td><td>threads that make one engine's blocking NL3 calls (lock checks, approval requests, cancels, recording status answers), 1 – 1000; started when needed, gone after 30 s idle</td></tr>
 * <tr><td>{@code nl3.call-queue}</td><td>{@code 256}</td><td>calls that may wait for one of those threads (0 – 100000); a call beyond them is refused at once: the request gets {@code 503} ({@code Retry-After}), whatever {@code nl3.approval-failure} says, logged once per cause</td></tr>
 * <tr><td>{@code nl3.max-entries}</td><td>{@code 100000}</td><td>grants and pending approvals held in memory at most (10 – 10000000); the in-memory store only</td></tr>
 * <tr><td>{@code nl3.max-entries-per-user}</td><td>{@code 20}</td><td>grants and pending approvals held per user at most (1 – 10000), in every store</td></tr>
 * <tr><td>{@code nl3.auto-register}</td><td>{@code true}</td><td>whether the jar wires itself (annotated servlets, the pending path) at startup</td></tr>
 * </table>
 * <!-- /settings:nl3-filter -->
 * <p>A store brings its own settings: nl3-jcache's {@code nl3.store-provider}, {@code nl3.store-uri} and
 * {@code nl3.store-name} are listed with it.
 *
 * <h2>web.xml</h2>
 * <pre>{@code
 * <filter>
 *   <filter-name>nl3-admin</filter-name>
 *   <filter-class>dev.nl3jit.filter.Nl3ApprovalFilter</filter-class>
 *   <init-param><param-name>nl3.approval-key</param-name><param-value>ADMIN_ACCESS</param-value></init-param>
 * </filter>
 * <filter-mapping>
 *   <filter-name>nl3-admin</filter-name>
 *   <url-pattern>/admin/*</url-pattern>
 * </filter-mapping>
 * <context-param><param-name>nl3.app-uri</param-name><param-value>app.example.com</param-value></context-param>
 * <!-- nl3.signing-key from the environment: NL3_SIGNING_KEY -->
 * }</pre>
 */
public class Nl3ApprovalFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(Nl3ApprovalFilter.class.getName());

    private final transient Nl3Settings given;
    private final transient KeyValueStore givenStore;
    /** A ledger given as it is (tests, tools), or {@code null}. */
    private final transient Ledger givenLedger;
    private final transient UsernameMapper usernames;
    private final transient Clock clock;
    private final transient Consumer<ApprovalEvent> listener;

    private transient Protection protection;
    private transient java.util.Set<String> methods;
    private transient Nl3Approvals approvals;
    private transient RequestGuard guard;
    private transient PendingEndpoint pending;

    /** For {@code web.xml}: the settings come from init-params, context-params, system properties, environment. */
    public Nl3ApprovalFilter() {
        this(null, null, UsernameMapper.PRINCIPAL_NAME);
    }

    /** For programmatic registration with ready settings. */
    public Nl3ApprovalFilter(Nl3Settings settings) {
        this(settings, null, UsernameMapper.PRINCIPAL_NAME);
    }

    /**
     * With a store of your own (session, distributed cache) and a username mapping.
     *
     * @param settings  the settings, or {@code null} to read them at {@code init}
     * @param store     the shared backend where grants and pending approvals live (sealed by the library), or {@code null}
     *                  for the store {@code nl3.store} names (default: the application's in-memory one)
     * @param usernames how a principal becomes the NL3 username
     */
    public Nl3ApprovalFilter(Nl3Settings settings, KeyValueStore store, UsernameMapper usernames) {
        this(settings, store, usernames, Clock.systemUTC(), event -> {
        });
    }

    Nl3ApprovalFilter(Nl3Settings settings, KeyValueStore store, UsernameMapper usernames, Clock clock,
            Consumer<ApprovalEvent> listener) {
        this(settings, store, null, usernames, clock, listener);
    }

    /** With a ledger as it is (in memory, for tests and tools). */
    static Nl3ApprovalFilter withLedger(Nl3Settings settings, Ledger ledger, UsernameMapper usernames, Clock clock,
            Consumer<ApprovalEvent> listener) {
        return new Nl3ApprovalFilter(settings, null, ledger, usernames, clock, listener);
    }

    private Nl3ApprovalFilter(Nl3Settings settings, KeyValueStore store, Ledger ledger, UsernameMapper usernames,
            Clock clock, Consumer<ApprovalEvent> listener) {
        this.given = settings;
        this.givenStore = store;
        this.givenLedger = ledger;
        this.usernames = usernames == null ? UsernameMapper.PRINCIPAL_NAME : usernames;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        Nl3Settings settings = FilterSetup.settings(config, given);
        if (settings.approvalKey() == null) {
            throw FilterSetup.failed(SettingsTable.APPROVAL_KEY.name() + ": missing for filter '" + config.getFilterName()
                    + "'; expected the template's Approval Key, e.g. ADMIN_ACCESS", null);
        }
        protection = Protection.of(settings);
        methods = settings.methods();
        approvals = FilterSetup.engine(config, settings, givenStore, givenLedger, usernames, clock, listener);
        guard = new RequestGuard(approvals.web(), settings.apiPaths());
        pending = new PendingEndpoint(settings.pendingPath(), EngineRegistry.of(config.getServletContext()));
        LOG.log(Level.INFO, "NL3 approval filter ''{0}'' protects approval key {1} ({2}) via {3}", config.getFilterName(),
                settings.approvalKey(), methods.isEmpty() ? "every method" : String.join(",", methods), settings.apiBaseUrl());
    }

    /** The pending path, when this filter is mapped there too; otherwise the protected request's flow. */
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (pending.handles(SafePaths.pathInApp(req))) {
            pending.serve(req, res);
            return;
        }
        if (!methods.isEmpty() && !methods.contains(req.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        guard.guard(req, res, chain, protection);
    }

    @Override
    public void destroy() {
        if (approvals != null) {
            approvals.close();
        }
        if (pending != null) {
            pending.close();
        }
        super.destroy();
    }
}
