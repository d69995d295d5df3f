package dev.nl3jit.filter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The whole configuration of the approval filter, immutable and validated when built: a bad instance cannot
 * exist. Read one from any {@code name -> value} lookup with {@link #parse(Function)}, from a map with
 * {@link #fromMap(Map)}, from the standard sources with {@link #fromSources(Function)}, or build one in code with
 * {@link #builder()}. The setting names, defaults and units are listed in {@link Nl3ApprovalFilter}'s
 * documentation; each is described once, in one table that every source and the builder go through.
 * Thread-safe.
 */
public final class Nl3Settings {
    private final SigningKey signingKey;
    private final String issuer;
    private final URI apiBaseUrl;
    private final String audience;
    private final Duration tokenTtl;
    private final Duration tokenSkew;
    private final Map<String, String> tokenClaims;
    private final String approvalKey;
    private final List<String> approvers;
    private final Map<String, String> metadata;
    private final Duration grantDuration;
    private final GrantScope grantScope;
    private final Duration pollInterval;
    private final Duration pendingTimeout;
    private final boolean lockCheck;
    private final FailurePolicy lockCheckFailure;
    private final boolean allowNotEnrolled;
    private final FailurePolicy approvalFailure;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final String pendingPath;
    private final String pendingPage;
    private final List<String> apiPaths;
    private final Set<String> methods;
    private final int maxStatusCalls;
    private final int maxResponseBytes;
    private final int callThreads;
    private final int callQueue;
    private final int maxEntries;
    private final boolean autoRegister;
    private final Map<String, String> parameters;
    private final int grantUses;
    private final Reason reason;
    private final Duration lockRecheck;
    private final RateLimit requestLimit;
    private final int maxKeptBody;
    private final int maxValueLength;
    private final Set<String> allowedOrigins;
    private final int maxEntriesPerUser;
    private final GrantBinding grantBinding;
    private final String store;
    private final String storeProvider;
    private final URI storeUri;
    private final String storeName;
    private final Duration storeTimeout;
    private final String redisUri;
    private final String redisUser;
    private final String redisPassword;
    private final String redisKeyPrefix;

    private Nl3Settings(Map<Setting<?>, Object> v) {
        this.signingKey = (SigningKey) v.get(SettingsTable.SIGNING_KEY);
        this.issuer = (String) v.get(SettingsTable.APP_URI);
        this.apiBaseUrl = (URI) v.get(SettingsTable.API_BASE_URL);
        this.audience = (String) v.get(SettingsTable.AUDIENCE);
        this.tokenTtl = (Duration) v.get(SettingsTable.TOKEN_TTL);
        this.tokenSkew = (Duration) v.get(SettingsTable.TOKEN_SKEW);
        this.tokenClaims = (Map<String, String>) v.get(SettingsTable.TOKEN_CLAIMS);
        this.approvalKey = (String) v.get(SettingsTable.APPROVAL_KEY);
        this.approvers = (List<String>) v.get(SettingsTable.APPROVERS);
        this.metadata = (Map<String, String>) v.get(SettingsTable.METADATA);
        this.grantDuration = (Duration) v.get(SettingsTable.GRANT_DURATION);
        this.grantScope = (GrantScope) v.get(SettingsTable.GRANT_SCOPE);
        this.pollInterval = (Duration) v.get(SettingsTable.POLL_INTERVAL);
        this.pendingTimeout = (Duration) v.get(SettingsTable.PENDING_TIMEOUT);
        this.lockCheck = (Boolean) v.get(SettingsTable.LOCK_CHECK);
        this.lockCheckFailure = (FailurePolicy) v.get(SettingsTable.LOCK_CHECK_FAILURE);
        this.allowNotEnrolled = (Boolean) v.get(SettingsTable.NOT_ENROLLED);
        this.approvalFailure = (FailurePolicy) v.get(SettingsTable.APPROVAL_FAILURE);
        this.connectTimeout = (Duration) v.get(SettingsTable.CONNECT_TIMEOUT);
        this.readTimeout = (Duration) v.get(SettingsTable.READ_TIMEOUT);
        this.pendingPath = (String) v.get(SettingsTable.PENDING_PATH);
        this.pendingPage = (String) v.get(SettingsTable.PENDING_PAGE);
        this.apiPaths = (List<String>) v.get(SettingsTable.API_PATHS);
        this.methods = (Set<String>) v.get(SettingsTable.METHODS);
        this.maxStatusCalls = (Integer) v.get(SettingsTable.MAX_STATUS_CALLS);
        this.maxResponseBytes = (Integer) v.get(SettingsTable.MAX_RESPONSE_SIZE);
        this.callThreads = (Integer) v.get(SettingsTable.CALL_THREADS);
        this.callQueue = (Integer) v.get(SettingsTable.CALL_QUEUE);
        this.maxEntries = (Integer) v.get(SettingsTable.MAX_ENTRIES);
        this.autoRegister = (Boolean) v.get(SettingsTable.AUTO_REGISTER);
        @SuppressWarnings("unchecked")
        Map<String, String> params = (Map<String, String>) v.get(SettingsTable.PARAMETERS);
        this.parameters = Map.copyOf(params);
        this.grantUses = (Integer) v.get(SettingsTable.GRANT_USES);
        this.reason = (Reason) v.get(SettingsTable.REASON);
        this.lockRecheck = (Duration) v.get(SettingsTable.LOCK_RECHECK);
        this.requestLimit = (RateLimit) v.get(SettingsTable.REQUEST_LIMIT);
        this.maxKeptBody = (Integer) v.get(SettingsTable.MAX_KEPT_BODY);
        this.maxValueLength = (Integer) v.get(SettingsTable.MAX_VALUE_LENGTH);
        @SuppressWarnings("unchecked")
        Set<String> origins = (Set<String>) v.get(SettingsTable.ALLOWED_ORIGINS);
        this.allowedOrigins = Set.copyOf(origins);
        this.maxEntriesPerUser = (Integer) v.get(SettingsTable.MAX_ENTRIES_PER_USER);
        this.grantBinding = (GrantBinding) v.get(SettingsTable.GRANT_BINDING);
        this.store = (String) v.get(SettingsTable.STORE);
        this.storeProvider = (String) v.get(SettingsTable.STORE_PROVIDER);
        this.storeUri = (URI) v.get(SettingsTable.STORE_URI);
        this.storeName = (String) v.get(SettingsTable.STORE_NAME);
        this.storeTimeout = (Duration) v.get(SettingsTable.STORE_TIMEOUT);
        this.redisUri = (String) v.get(SettingsTable.REDIS_URI);
        this.redisUser = (String) v.get(SettingsTable.REDIS_USER);
        this.redisPassword = (String) v.get(SettingsTable.REDIS_PASSWORD);
        this.redisKeyPrefix = (String) v.get(SettingsTable.REDIS_KEY_PREFIX);
    }

    /** A builder with every default of the settings table; the signing key and the issuer have none. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads and validates every setting from {@code lookup} (setting name, e.g. {@code nl3.app-uri}, to value or
     * {@code null}). Environment-variable fallbacks are the caller's choice; {@link #fromSources(Function)} adds them.
     *
     * @throws InvalidSettingsException listing every problem
     */
    public static Nl3Settings parse(Function<String, String> lookup) {
        return new SettingsReader(lookup).read();
    }

    /**
     * Reads {@code first} (e.g. MicroProfile Config), then system properties, then environment variables
     * ({@code NL3_*}, then NL3's sample names {@code SIGNING_KEY}, {@code APP_URI}, {@code API_HOST}).
     *
     * @throws InvalidSettingsException listing every problem
     */
    public static Nl3Settings fromSources(Function<String, String> first) {
        return fromSources(first, List.of(), "first source");
    }

    /**
     * As {@link #fromSources(Function)}; {@code namesInFirst} are all the names the first source holds (e.g. every
     * MicroProfile Config property name), so that an unknown {@code nl3.*} name there is a problem too, as are unknown
     * {@code nl3.*} system properties and {@code NL3_*} environment variables.
     *
     * @param firstSource how the first source is called in messages, e.g. "MicroProfile Config"
     * @throws InvalidSettingsException listing every problem
     */
    public static Nl3Settings fromSources(Function<String, String> first, java.util.Collection<String> namesInFirst,
            String firstSource) {
        List<String> problems = new ArrayList<>(SettingsReader.unknown(namesInFirst, firstSource));
        problems.addAll(SettingsReader.unknownInSystemAndEnvironment(System.getenv()));
        try {
            Nl3Settings s = parse(SettingsReader.withSystemAndEnvironment(first));
            if (problems.isEmpty()) {
                return s;
            }
        } catch (InvalidSettingsException e) {
            problems.addAll(e.problems());
        }
        throw new InvalidSettingsException(problems);
    }

    /** {@link #parse(Function)} over a map; names under {@code nl3.} that no setting has are problems too. */
    public static Nl3Settings fromMap(Map<String, String> values) {
        SettingsReader.rejectUnknown(values.keySet(), "map");
        return parse(values::get);
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.put(SettingsTable.SIGNING_KEY, signingKey);
        b.values.put(SettingsTable.APP_URI, issuer);
        b.values.put(SettingsTable.API_BASE_URL, apiBaseUrl);
        b.values.put(SettingsTable.AUDIENCE, audience);
        b.values.put(SettingsTable.TOKEN_TTL, tokenTtl);
        b.values.put(SettingsTable.TOKEN_SKEW, tokenSkew);
        b.values.put(SettingsTable.TOKEN_CLAIMS, tokenClaims);
        b.values.put(SettingsTable.APPROVAL_KEY, approvalKey);
        b.values.put(SettingsTable.APPROVERS, approvers);
        b.values.put(SettingsTable.METADATA, metadata);
        b.values.put(SettingsTable.GRANT_DURATION, grantDuration);
        b.values.put(SettingsTable.GRANT_SCOPE, grantScope);
        b.values.put(SettingsTable.POLL_INTERVAL, pollInterval);
        b.values.put(SettingsTable.PENDING_TIMEOUT, pendingTimeout);
        b.values.put(SettingsTable.LOCK_CHECK, lockCheck);
        b.values.put(SettingsTable.LOCK_CHECK_FAILURE, lockCheckFailure);
        b.values.put(SettingsTable.NOT_ENROLLED, allowNotEnrolled);
        b.values.put(SettingsTable.APPROVAL_FAILURE, approvalFailure);
        b.values.put(SettingsTable.CONNECT_TIMEOUT, connectTimeout);
        b.values.put(SettingsTable.READ_TIMEOUT, readTimeout);
        b.values.put(SettingsTable.PENDING_PATH, pendingPath);
        b.values.put(SettingsTable.PENDING_PAGE, pendingPage);
        b.values.put(SettingsTable.API_PATHS, apiPaths);
        b.values.put(SettingsTable.METHODS, methods);
        b.values.put(SettingsTable.MAX_STATUS_CALLS, maxStatusCalls);
        b.values.put(SettingsTable.MAX_RESPONSE_SIZE, maxResponseBytes);
        b.values.put(SettingsTable.CALL_THREADS, callThreads);
        b.values.put(SettingsTable.CALL_QUEUE, callQueue);
        b.values.put(SettingsTable.MAX_ENTRIES, maxEntries);
        b.values.put(SettingsTable.AUTO_REGISTER, autoRegister);
        b.values.put(SettingsTable.PARAMETERS, parameters);
        b.values.put(SettingsTable.GRANT_USES, grantUses);
        b.values.put(SettingsTable.REASON, reason);
        b.values.put(SettingsTable.LOCK_RECHECK, lockRecheck);
        b.values.put(SettingsTable.REQUEST_LIMIT, requestLimit);
        b.values.put(SettingsTable.MAX_KEPT_BODY, maxKeptBody);
        b.values.put(SettingsTable.MAX_VALUE_LENGTH, maxValueLength);
        b.values.put(SettingsTable.ALLOWED_ORIGINS, allowedOrigins);
        b.values.put(SettingsTable.MAX_ENTRIES_PER_USER, maxEntriesPerUser);
        b.values.put(SettingsTable.GRANT_BINDING, grantBinding);
        b.values.put(SettingsTable.STORE, store);
        b.values.put(SettingsTable.STORE_PROVIDER, storeProvider);
        b.values.put(SettingsTable.STORE_URI, storeUri);
        b.values.put(SettingsTable.STORE_NAME, storeName);
        b.values.put(SettingsTable.STORE_TIMEOUT, storeTimeout);
        b.values.put(SettingsTable.REDIS_URI, redisUri);
        b.values.put(SettingsTable.REDIS_USER, redisUser);
        b.values.put(SettingsTable.REDIS_PASSWORD, redisPassword);
        b.values.put(SettingsTable.REDIS_KEY_PREFIX, redisKeyPrefix);
        return b;
    }

    /** The application's signing key ({@code nl3.signing-key}). */
    SigningKey signingKey() {
        return signingKey;
    }

    /**
     * The key a shared store seals its entries with: derived from {@code nl3.signing-key} (HMAC-SHA256 of the label
     * {@code "nl3 store seal v1"}), the same on every node with the same signing key. It is not the signing key, and the
     * signing key cannot be worked out from it; a fresh copy each call.
     */
    public byte[] storeSealKey() {
        return signingKey.derive("nl3 store seal v1");
    }

    /** The application's registered FQDN, the tokens' {@code iss} ({@code nl3.app-uri}). */
    public String issuer() {
        return issuer;
    }

    /** Where the NL3 API lives ({@code nl3.api-base-url}). */
    public URI apiBaseUrl() {
        return apiBaseUrl;
    }

    /** The tokens' {@code aud} ({@code nl3.audience}). */
    public String audience() {
        return audience;
    }

    /** Token lifetime ({@code nl3.token-ttl}). */
    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** How far {@code nbf} lies before {@code iat} ({@code nl3.token-skew}). */
    public Duration tokenSkew() {
        return tokenSkew;
    }

    /** Custom claims added to every token ({@code nl3.token-claims}). */
    public Map<String, String> tokenClaims() {
        return tokenClaims;
    }

    /** The template's approval key; {@code null} when only annotations name keys ({@code nl3.approval-key}). */
    public String approvalKey() {
        return approvalKey;
    }

    /** Who is asked; empty: the template's default approvers ({@code nl3.approvers}). */
    public List<String> approvers() {
        return approvers;
    }

    /** Static metadata sent with each approval request ({@code nl3.metadata}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** How long an approval lasts, counted from the moment of approval ({@code nl3.grant-duration}). */
    public Duration grantDuration() {
        return grantDuration;
    }

    /** What an approval unlocks ({@code nl3.grant-scope}). */
    public GrantScope grantScope() {
        return grantScope;
    }

    /** At most one status call per pending request per interval ({@code nl3.poll-interval}). */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** The application's own limit on a pending request ({@code nl3.pending-timeout}). */
    public Duration pendingTimeout() {
        return pendingTimeout;
    }

    /** Whether to ask NL3 whether the account is locked ({@code nl3.lock-check}). */
    public boolean lockCheck() {
        return lockCheck;
    }

    /** What a failed lock check does ({@code nl3.lock-check-failure}). */
    public FailurePolicy lockCheckFailure() {
        return lockCheckFailure;
    }

    /** Whether a user NL3 reports as not enrolled may proceed ({@code nl3.not-enrolled}). */
    public boolean allowNotEnrolled() {
        return allowNotEnrolled;
    }

    /** What a failed approval call does ({@code nl3.approval-failure}). */
    public FailurePolicy approvalFailure() {
        return approvalFailure;
    }

    /** Connect timeout of NL3 calls ({@code nl3.connect-timeout}). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Read timeout of NL3 calls ({@code nl3.read-timeout}). */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Where the filter serves the pending page and status endpoint ({@code nl3.pending-path}). */
    public String pendingPath() {
        return pendingPath;
    }

    /** The application's own pending page to forward to, or {@code null} ({@code nl3.pending-page}). */
    public String pendingPage() {
        return pendingPage;
    }

    /** Path prefixes whose callers always get problem+json answers ({@code nl3.api-paths}). */
    public List<String> apiPaths() {
        return apiPaths;
    }

    /**
     * The HTTP methods a mapped filter protects ({@code nl3.methods}), upper case; empty: every method. {@code GET}
     * brings {@code HEAD}, which containers answer by running the {@code GET} code. Other methods pass unchecked.
     */
    public Set<String> methods() {
        return methods;
    }

    /**
     * Status calls this node makes per second at most ({@code nl3.max-status-calls}); the tickets watched by long
     * polls share it, paced at 80 %: each is checked every 200 ms while that fits, less often beyond.
     */
    public int maxStatusCalls() {
        return maxStatusCalls;
    }

    /** Cap on an NL3 response body, in bytes ({@code nl3.max-response-size}). */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /**
     * Threads that make one engine's blocking NL3 calls at most ({@code nl3.call-threads}): lock checks, approval
     * requests, cancels, and the recording of status answers.
     */
    public int callThreads() {
        return callThreads;
    }

    /**
     * Calls that may wait for one of those threads ({@code nl3.call-queue}); a call beyond them is refused at once and
     * its request answered 503.
     */
    public int callQueue() {
        return callQueue;
    }

    /** Cap on grants and pending requests held in memory ({@code nl3.max-entries}). */
    public int maxEntries() {
        return maxEntries;
    }

    /** Whether the jar wires itself for annotated servlets ({@code nl3.auto-register}). */
    public boolean autoRegister() {
        return autoRegister;
    }

    /** Request parameters copied into metadata and bound by request-scoped grants: name → metadata name ({@code nl3.parameters}). */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Uses of a grant: 0 auto (one for Sign and Approve, else unlimited), -1 unlimited, or a count ({@code nl3.grant-uses}). */
    public int grantUses() {
        return grantUses;
    }

    /** Whether users type a reason before a request is sent ({@code nl3.reason}). */
    public Reason reason() {
        return reason;
    }

    /** How often the lock state of users holding grants is re-checked in the background ({@code nl3.lock-recheck}). */
    public Duration lockRecheck() {
        return lockRecheck;
    }

    /** New approval requests allowed per user per window ({@code nl3.request-limit}). */
    RateLimit requestLimit() {
        return requestLimit;
    }

    /** The largest request body kept for Send now, in bytes ({@code nl3.max-kept-body}). */
    public int maxKeptBody() {
        return maxKeptBody;
    }

    /**
     * The longest value, in characters, that an approver is shown: a bound request parameter, a method argument or a
     * reason longer than this is refused before any approval request ({@code nl3.max-value-length}).
     */
    public int maxValueLength() {
        return maxValueLength;
    }

    /**
     * Origins ({@code scheme://host[:port]}) besides the application's own from which a browser may send an unsafe
     * protected request ({@code nl3.allowed-origins}); empty: only the application's own.
     */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Grants and pending approvals held per user at most ({@code nl3.max-entries-per-user}). */
    public int maxEntriesPerUser() {
        return maxEntriesPerUser;
    }

    /** Whether a grant serves the user or only the HTTP session that asked ({@code nl3.grant-binding}). */
    GrantBinding grantBinding() {
        return grantBinding;
    }

    /** Where grants and pending approvals live: {@code memory}, or an installed store such as {@code jcache} ({@code nl3.store}). */
    public String store() {
        return store;
    }

    /** The JCache {@code CachingProvider} class name, or {@code null} for the default provider ({@code nl3.store-provider}). */
    public String storeProvider() {
        return storeProvider;
    }

    /** The JCache cache manager URI, or {@code null} for the provider's default ({@code nl3.store-uri}). */
    public URI storeUri() {
        return storeUri;
    }

    /** The prefix of the store's cache names, so several applications can share one cluster ({@code nl3.store-name}). */
    public String storeName() {
        return storeName;
    }

    /**
     * How long one call of a shared store may take ({@code nl3.store-timeout}); past it the request is refused with
     * 503, as for any store failure.
     */
    public Duration storeTimeout() {
        return storeTimeout;
    }

    /**
     * {@code nl3.redis-uri} as written ({@code redis://host:port/db} or {@code rediss://...}), or {@code null}; nl3-redis
     * reads it in full. It may carry a password: show it only through that module's masking.
     */
    public String redisUri() {
        return redisUri;
    }

    /** {@code nl3.redis-user}, the Redis ACL user, or {@code null}. */
    public String redisUser() {
        return redisUser;
    }

    /** {@code nl3.redis-password}, or {@code null}: for signing in to Redis only, never to be logged or shown. */
    public String redisPassword() {
        return redisPassword;
    }

    /** {@code nl3.redis-key-prefix}, or {@code null} for nl3-redis's default {@code nl3:<nl3.store-name>:}. */
    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    @Override
    public String toString() {
        return "Nl3Settings[issuer=" + issuer + ", apiBaseUrl=" + apiBaseUrl + ", audience=" + audience + ", approvalKey="
                + approvalKey + ", signingKey=" + signingKey + "]";
    }

    /**
     * Settings in code. Each setter takes the typed value; {@link #set(String, String)} takes any setting by name as
     * text, as a configuration file would. Nothing is checked until {@link #build()}, which lists every problem.
     */
    public static final class Builder {
        private final Map<Setting<?>, Object> values = new HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private String apiHost;

        private Builder() {
            for (Setting<?> s : SettingsTable.ALL) {
                values.put(s, s.defaultValue());
            }
            apiHost = SettingsTable.API_HOST.defaultValue();
        }

        <T> Builder value(Setting<T> setting, T value) {
            if (setting == SettingsTable.API_HOST) {
                apiHost = (String) value;
            } else {
                values.put(setting, value);
            }
            return this;
        }

        /**
         * Any setting by its name, as text (e.g. {@code set("nl3.grant-duration", "30m")}).
         *
         * @throws InvalidSettingsException for a name no setting has
         */
        public Builder set(String name, String text) {
            for (Setting<?> s : SettingsTable.ALL) {
                if (s.name().equals(name)) {
                    return read(s, text);
                }
            }
            SettingsReader.rejectUnknown(List.of(name), "builder");
            throw new InvalidSettingsException(List.of(name + ": not a setting of this library"));
        }

        private <T> Builder read(Setting<T> s, String text) {
            int before = problems.size();
            T v = s.read(text, problems);
            return problems.size() == before ? value(s, v) : this;
        }

        /** The Base64 signing key from the NL3 portal ({@code nl3.signing-key}); it is never logged or shown. */
        public Builder signingKey(String base64) {
            return read(SettingsTable.SIGNING_KEY, Objects.requireNonNull(base64, "signing key"));
        }

        /** The application's registered FQDN ({@code nl3.app-uri}); a scheme is stripped. */
        public Builder appUri(String fqdn) {
            return read(SettingsTable.APP_URI, Objects.requireNonNull(fqdn, "app uri"));
        }

        /** The NL3 API host ({@code nl3.api-host}); the default of the base URL and the audience. */
        public Builder apiHost(String host) {
            return read(SettingsTable.API_HOST, Objects.requireNonNull(host, "api host"));
        }

        public Builder apiBaseUrl(URI value) {
            return value(SettingsTable.API_BASE_URL, value);
        }

        public Builder audience(String value) {
            return value(SettingsTable.AUDIENCE, value);
        }

        public Builder tokenTtl(Duration value) {
            return value(SettingsTable.TOKEN_TTL, value);
        }

        public Builder tokenSkew(Duration value) {
            return value(SettingsTable.TOKEN_SKEW, value);
        }

        public Builder tokenClaims(Map<String, String> value) {
            return value(SettingsTable.TOKEN_CLAIMS, Map.copyOf(value));
        }

        public Builder approvalKey(String value) {
            return value(SettingsTable.APPROVAL_KEY, value);
        }

        public Builder approvers(List<String> value) {
            return value(SettingsTable.APPROVERS, List.copyOf(value));
        }

        public Builder metadata(Map<String, String> value) {
            return value(SettingsTable.METADATA, Map.copyOf(value));
        }

        /** Request parameter name → metadata name, for the mapped filter's protection. */
        public Builder parameters(Map<String, String> value) {
            return value(SettingsTable.PARAMETERS, Map.copyOf(value));
        }

        public Builder grantDuration(Duration value) {
            return value(SettingsTable.GRANT_DURATION, value);
        }

        public Builder grantScope(GrantScope value) {
            return value(SettingsTable.GRANT_SCOPE, value);
        }

        public Builder pollInterval(Duration value) {
            return value(SettingsTable.POLL_INTERVAL, value);
        }

        public Builder pendingTimeout(Duration value) {
            return value(SettingsTable.PENDING_TIMEOUT, value);
        }

        public Builder lockCheck(boolean value) {
            return value(SettingsTable.LOCK_CHECK, value);
        }

        public Builder lockCheckFailure(FailurePolicy value) {
            return value(SettingsTable.LOCK_CHECK_FAILURE, value);
        }

        public Builder allowNotEnrolled(boolean value) {
            return value(SettingsTable.NOT_ENROLLED, value);
        }

        public Builder approvalFailure(FailurePolicy value) {
            return value(SettingsTable.APPROVAL_FAILURE, value);
        }

        public Builder connectTimeout(Duration value) {
            return value(SettingsTable.CONNECT_TIMEOUT, value);
        }

        public Builder readTimeout(Duration value) {
            return value(SettingsTable.READ_TIMEOUT, value);
        }

        public Builder pendingPath(String value) {
            return value(SettingsTable.PENDING_PATH, value);
        }

        public Builder pendingPage(String value) {
            return value(SettingsTable.PENDING_PAGE, value);
        }

        public Builder apiPaths(List<String> value) {
            return value(SettingsTable.API_PATHS, List.copyOf(value));
        }

        /** {@code nl3.methods}: as the setting's text, e.g. {@code List.of("POST", "DELETE")}; empty: every method. */
        public Builder methods(java.util.Collection<String> value) {
            return read(SettingsTable.METHODS, String.join(",", value));
        }

        public Builder maxStatusCalls(int value) {
            return value(SettingsTable.MAX_STATUS_CALLS, value);
        }

        public Builder maxResponseBytes(int value) {
            return value(SettingsTable.MAX_RESPONSE_SIZE, value);
        }

        public Builder callThreads(int value) {
            return value(SettingsTable.CALL_THREADS, value);
        }

        public Builder callQueue(int value) {
            return value(SettingsTable.CALL_QUEUE, value);
        }

        public Builder maxEntries(int value) {
            return value(SettingsTable.MAX_ENTRIES, value);
        }

        public Builder autoRegister(boolean value) {
            return value(SettingsTable.AUTO_REGISTER, value);
        }

        /** {@code 0}: auto (one use for Sign and Approve, else unlimited); {@code -1}: unlimited; else a count. */
        public Builder grantUses(int value) {
            return value(SettingsTable.GRANT_USES, value);
        }

        public Builder reason(Reason value) {
            return value(SettingsTable.REASON, value);
        }

        public Builder lockRecheck(Duration value) {
            return value(SettingsTable.LOCK_RECHECK, value);
        }

        public Builder maxKeptBody(int value) {
            return value(SettingsTable.MAX_KEPT_BODY, value);
        }

        public Builder maxValueLength(int value) {
            return value(SettingsTable.MAX_VALUE_LENGTH, value);
        }

        public Builder allowedOrigins(Set<String> value) {
            return read(SettingsTable.ALLOWED_ORIGINS, String.join(",", value));
        }

        public Builder maxEntriesPerUser(int value) {
            return value(SettingsTable.MAX_ENTRIES_PER_USER, value);
        }

        /**
         * Checks every value against the settings table.
         *
         * @throws InvalidSettingsException listing every problem, one per setting
         */
        /** {@code memory} or an installed store such as {@code jcache}. */
        public Builder store(String value) {
            return value(SettingsTable.STORE, value);
        }

        public Builder storeProvider(String value) {
            return value(SettingsTable.STORE_PROVIDER, value);
        }

        public Builder storeUri(URI value) {
            return value(SettingsTable.STORE_URI, value);
        }

        public Builder storeName(String value) {
            return value(SettingsTable.STORE_NAME, value);
        }

        public Builder storeTimeout(Duration value) {
            return value(SettingsTable.STORE_TIMEOUT, value);
        }

        public Builder redisUri(String value) {
            return value(SettingsTable.REDIS_URI, value);
        }

        public Builder redisUser(String value) {
            return value(SettingsTable.REDIS_USER, value);
        }

        public Builder redisPassword(String value) {
            return value(SettingsTable.REDIS_PASSWORD, value);
        }

        public Builder redisKeyPrefix(String value) {
            return value(SettingsTable.REDIS_KEY_PREFIX, value);
        }

        public Nl3Settings build() {
            Map<Setting<?>, Object> v = new HashMap<>(values);
            String host = apiHost == null ? SettingsTable.API_HOST.defaultValue() : apiHost;
            if (v.get(SettingsTable.API_BASE_URL) == null) {
                v.put(SettingsTable.API_BASE_URL, URI.create("https://" + host));
            }
            if (v.get(SettingsTable.AUDIENCE) == null) {
                v.put(SettingsTable.AUDIENCE, host);
            }
            List<String> all = new ArrayList<>(problems);
            SettingsTable.API_HOST.check(host, all);
            for (Setting<?> s : SettingsTable.ALL) {
                if (s != SettingsTable.API_HOST && all.stream().noneMatch(p -> p.startsWith(s.name() + ": "))) {
                    check(s, v.get(s), all);
                }
            }
            if (Stores.MEMORY.equals(v.get(SettingsTable.STORE))) {
                // Set for a shared store but without choosing one: each node would keep grants of its own, silently.
                for (Setting<?> s : List.of(SettingsTable.STORE_PROVIDER, SettingsTable.STORE_URI)) {
                    if (v.get(s) != null) {
                        all.add(s.name() + ": set, but nl3.store is memory, which uses no JCache provider or URI; set "
                                + "nl3.store=jcache to share grants across nodes, or remove " + s.name());
                    }
                }
                if (v.get(SettingsTable.REDIS_URI) != null) {
                    all.add("nl3.redis-uri: set, but nl3.store is memory, which uses no Redis; set nl3.store=redis (with "
                            + "nl3-redis on the class path) to share grants across nodes, or remove nl3.redis-uri");
                }
            }
            if (!all.isEmpty()) {
                throw new InvalidSettingsException(all);
            }
            return new Nl3Settings(v);
        }

        @SuppressWarnings("unchecked")
        private static <T> void check(Setting<T> s, Object value, List<String> problems) {
            s.check((T) value, problems);
        }
    }
}
