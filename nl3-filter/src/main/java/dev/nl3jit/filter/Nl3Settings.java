package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.util.Loaders;


import dev.nl3jit.filter.internal.web.Origins;
import dev.nl3jit.filter.internal.settings.RateLimit;

import dev.nl3jit.filter.internal.settings.SettingsReader;
import dev.nl3jit.filter.internal.settings.SettingsTable;
import dev.nl3jit.filter.internal.settings.SigningKey;
import dev.nl3jit.filter.internal.store.Stores;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
 * {@link #builder()}. Each setting is described once, as a {@link Setting} (name, default, parser, check, range,
 * description); the values are held by those descriptions, every source and the builder go through them, and the
 * table in {@link Nl3ApprovalFilter}'s documentation is rendered from them. A store backend's settings (e.g.
 * nl3-jcache's {@code nl3.store-uri}) are described by the backend and read with {@link #get(Setting)}.
 * Thread-safe.
 */
public final class Nl3Settings {
    /** Setting name to value, for every setting of the library and each store setting that was given. */
    private final Map<String, Object> values;
    /** The store settings that were given, by name. */
    private final Map<String, Setting<?>> storeSettings;

    private Nl3Settings(Map<String, Object> values, Map<String, Setting<?>> storeSettings) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        this.storeSettings = Map.copyOf(storeSettings);
    }

    /** A builder with every default of the settings table; the signing key and the issuer have none. */
    public static Builder builder() {
        return new Builder();
    }

    /** The library's own settings, each described once, in the order the docs list them. */
    public static List<Setting<?>> settings() {
        return SettingsTable.ALL;
    }

    /**
     * The value of {@code setting}: of the library ({@link #settings()}) or of a store backend
     * ({@link dev.nl3jit.filter.spi.KeyValueStoreFactory#settings()}); its default when it was not given.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return values.containsKey(setting.name()) ? (T) values.get(setting.name()) : setting.defaultValue();
    }

    /**
     * Reads and validates every setting from {@code lookup} (setting name, e.g. {@code nl3.app-uri}, to value or
     * {@code null}), those of the installed stores too. Environment-variable fallbacks are the caller's choice;
     * {@link #fromSources(Function)} adds them.
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
    public static Nl3Settings fromSources(Function<String, String> first, Collection<String> namesInFirst,
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
        b.values.putAll(values);
        b.stores.putAll(storeSettings);
        return b;
    }

    /** The application's signing key ({@code nl3.signing-key}). */
    SigningKey signingKey() {
        return get(SettingsTable.SIGNING_KEY);
    }

    /**
     * The key a shared store seals its entries with: derived from {@code nl3.signing-key} (HMAC-SHA256 of the label
     * {@code "nl3 store seal v1"}), the same on every node with the same signing key. It is not the signing key, and the
     * signing key cannot be worked out from it; a fresh copy each call.
     */
    public byte[] storeSealKey() {
        return signingKey().derive("nl3 store seal v1");
    }

    /** The application's registered FQDN, the tokens' {@code iss} ({@code nl3.app-uri}). */
    public String issuer() {
        return get(SettingsTable.APP_URI);
    }

    /** Where the NL3 API lives ({@code nl3.api-base-url}). */
    public URI apiBaseUrl() {
        return get(SettingsTable.API_BASE_URL);
    }

    /** The tokens' {@code aud} ({@code nl3.audience}). */
    public String audience() {
        return get(SettingsTable.AUDIENCE);
    }

    /** Token lifetime ({@code nl3.token-ttl}). */
    public Duration tokenTtl() {
        return get(SettingsTable.TOKEN_TTL);
    }

    /** How far {@code nbf} lies before {@code iat} ({@code nl3.token-skew}). */
    public Duration tokenSkew() {
        return get(SettingsTable.TOKEN_SKEW);
    }

    /** Custom claims added to every token ({@code nl3.token-claims}). */
    public Map<String, String> tokenClaims() {
        return get(SettingsTable.TOKEN_CLAIMS);
    }

    /** The template's approval key; {@code null} when only annotations name keys ({@code nl3.approval-key}). */
    public String approvalKey() {
        return get(SettingsTable.APPROVAL_KEY);
    }

    /** Who is asked; empty: the template's default approvers ({@code nl3.approvers}). */
    public List<String> approvers() {
        return get(SettingsTable.APPROVERS);
    }

    /** Static metadata sent with each approval request ({@code nl3.metadata}). */
    public Map<String, String> metadata() {
        return get(SettingsTable.METADATA);
    }

    /** How long an approval lasts, counted from the moment of approval ({@code nl3.grant-duration}). */
    public Duration grantDuration() {
        return get(SettingsTable.GRANT_DURATION);
    }

    /** What an approval unlocks ({@code nl3.grant-scope}). */
    public GrantScope grantScope() {
        return get(SettingsTable.GRANT_SCOPE);
    }

    /** At most one status call per pending request per interval ({@code nl3.poll-interval}). */
    public Duration pollInterval() {
        return get(SettingsTable.POLL_INTERVAL);
    }

    /** The application's own limit on a pending request ({@code nl3.pending-timeout}). */
    public Duration pendingTimeout() {
        return get(SettingsTable.PENDING_TIMEOUT);
    }

    /** Whether to ask NL3 whether the account is locked ({@code nl3.lock-check}). */
    public boolean lockCheck() {
        return get(SettingsTable.LOCK_CHECK);
    }

    /** What a failed lock check does ({@code nl3.lock-check-failure}). */
    public FailurePolicy lockCheckFailure() {
        return get(SettingsTable.LOCK_CHECK_FAILURE);
    }

    /** Whether a user NL3 reports as not enrolled may proceed ({@code nl3.not-enrolled}). */
    public boolean allowNotEnrolled() {
        return get(SettingsTable.NOT_ENROLLED);
    }

    /** What a failed approval call does ({@code nl3.approval-failure}). */
    public FailurePolicy approvalFailure() {
        return get(SettingsTable.APPROVAL_FAILURE);
    }

    /** Connect timeout of NL3 calls ({@code nl3.connect-timeout}). */
    public Duration connectTimeout() {
        return get(SettingsTable.CONNECT_TIMEOUT);
    }

    /** Read timeout of NL3 calls ({@code nl3.read-timeout}). */
    public Duration readTimeout() {
        return get(SettingsTable.READ_TIMEOUT);
    }

    /** Where the filter serves the pending page and status endpoint ({@code nl3.pending-path}). */
    public String pendingPath() {
        return get(SettingsTable.PENDING_PATH);
    }

    /** The application's own pending page to forward to, or {@code null} ({@code nl3.pending-page}). */
    public String pendingPage() {
        return get(SettingsTable.PENDING_PAGE);
    }

    /** Path prefixes whose callers always get problem+json answers ({@code nl3.api-paths}). */
    public List<String> apiPaths() {
        return get(SettingsTable.API_PATHS);
    }

    /**
     * The HTTP methods a mapped filter protects ({@code nl3.methods}), upper case; empty: every method. {@code GET}
     * brings {@code HEAD}, which containers answer by running the {@code GET} code. Other methods pass unchecked.
     */
    public Set<String> methods() {
        return get(SettingsTable.METHODS);
    }

    /**
     * Status calls this node makes per second at most ({@code nl3.max-status-calls}); the tickets watched by long
     * polls share it, paced at 80 %: each is checked every 200 ms while that fits, less often beyond.
     */
    public int maxStatusCalls() {
        return get(SettingsTable.MAX_STATUS_CALLS);
    }

    /** Cap on an NL3 response body, in bytes ({@code nl3.max-response-size}). */
    public int maxResponseBytes() {
        return get(SettingsTable.MAX_RESPONSE_SIZE);
    }

    /**
     * Threads that make one engine's blocking NL3 calls at most ({@code nl3.call-threads}): lock checks, approval
     * requests, cancels, and the recording of status answers.
     */
    public int callThreads() {
        return get(SettingsTable.CALL_THREADS);
    }

    /**
     * Calls that may wait for one of those threads ({@code nl3.call-queue}); a call beyond them is refused at once and
     * its request answered 503.
     */
    public int callQueue() {
        return get(SettingsTable.CALL_QUEUE);
    }

    /** Cap on grants and pending requests held in memory ({@code nl3.max-entries}). */
    public int maxEntries() {
        return get(SettingsTable.MAX_ENTRIES);
    }

    /** Whether the jar wires itself for annotated servlets ({@code nl3.auto-register}). */
    public boolean autoRegister() {
        return get(SettingsTable.AUTO_REGISTER);
    }

    /** Request parameters copied into metadata and bound by request-scoped grants: name → metadata name ({@code nl3.parameters}). */
    public Map<String, String> parameters() {
        return get(SettingsTable.PARAMETERS);
    }

    /** Uses of a grant: auto (one for Sign and Approve, else unlimited), unlimited, or a count ({@code nl3.grant-uses}). */
    public Uses grantUses() {
        return get(SettingsTable.GRANT_USES);
    }

    /** Whether users type a reason before a request is sent ({@code nl3.reason}). */
    public Reason reason() {
        return get(SettingsTable.REASON);
    }

    /** How often the lock state of users holding grants is re-checked in the background ({@code nl3.lock-recheck}). */
    public Duration lockRecheck() {
        return get(SettingsTable.LOCK_RECHECK);
    }

    /** New approval requests allowed per user per window ({@code nl3.request-limit}). */
    public RateLimit requestLimit() {
        return get(SettingsTable.REQUEST_LIMIT);
    }

    /** The largest request body kept for Send now, in bytes ({@code nl3.max-kept-body}). */
    public int maxKeptBody() {
        return get(SettingsTable.MAX_KEPT_BODY);
    }

    /**
     * The longest value, in characters, that an approver is shown: a bound request parameter, a method argument or a
     * reason longer than this is refused before any approval request ({@code nl3.max-value-length}).
     */
    public int maxValueLength() {
        return get(SettingsTable.MAX_VALUE_LENGTH);
    }

    /**
     * Origins ({@code scheme://host[:port]}) besides the application's own from which a browser may send an unsafe
     * protected request ({@code nl3.allowed-origins}); empty: only the application's own.
     */
    public Set<String> allowedOrigins() {
        return get(SettingsTable.ALLOWED_ORIGINS);
    }

    /** Grants and pending approvals held per user at most ({@code nl3.max-entries-per-user}). */
    public int maxEntriesPerUser() {
        return get(SettingsTable.MAX_ENTRIES_PER_USER);
    }

    /** Whether a grant serves the user or only the HTTP session that asked ({@code nl3.grant-binding}). */
    public GrantBinding grantBinding() {
        return get(SettingsTable.GRANT_BINDING);
    }

    /** Where grants and pending approvals live: {@code memory}, or an installed store such as {@code jcache} ({@code nl3.store}). */
    public String store() {
        return get(SettingsTable.STORE);
    }

    /**
     * How long one call of a shared store may take ({@code nl3.store-timeout}); past it the request is refused with
     * 503, as for any store failure.
     */
    public Duration storeTimeout() {
        return get(SettingsTable.STORE_TIMEOUT);
    }

    @Override
    public String toString() {
        return "Nl3Settings[issuer=" + issuer() + ", apiBaseUrl=" + apiBaseUrl() + ", audience=" + audience() + ", approvalKey="
                + approvalKey() + ", signingKey=" + signingKey() + "]";
    }

    /**
     * Settings in code. {@link #set(Setting, Object)} takes any setting's typed value (a store's too), each named
     * setter one of the library's; {@link #set(String, String)} takes any setting by name as text, as a configuration
     * file would. Nothing is checked until {@link #build()}, which lists every problem.
     */
    public static final class Builder {
        private final Map<String, Object> values = new HashMap<>();
        /** Settings given that are not the library's own (a store's), checked at {@link #build()}. */
        private final Map<String, Setting<?>> stores = new HashMap<>();
        private final List<String> problems = new ArrayList<>();

        private Builder() {
            for (Setting<?> s : SettingsTable.ALL) {
                values.put(s.name(), s.defaultValue());
            }
        }

        /** Any setting's typed value: the library's ({@link Nl3Settings#settings()}) or an installed store's. */
        public <T> Builder set(Setting<T> setting, T value) {
            values.put(setting.name(), value);
            if (!SettingsTable.BY_NAME.containsKey(setting.name())) {
                stores.put(setting.name(), setting);
            }
            return this;
        }

        /**
         * Any setting by its name, as text (e.g. {@code set("nl3.grant-duration", "30m")}), an installed store's too.
         *
         * @throws InvalidSettingsException for a name no setting has
         */
        public Builder set(String name, String text) {
            Setting<?> s = SettingsTable.BY_NAME.get(name);
            if (s == null) {
                s = SettingsTable.known(Loaders.application()).get(name);
            }
            if (s == null) {
                SettingsReader.rejectUnknown(List.of(name), "builder");
                throw new InvalidSettingsException(List.of(name + ": not a setting of this library"));
            }
            return read(s, text);
        }

        private <T> Builder read(Setting<T> s, String text) {
            int before = problems.size();
            T v = s.read(text, problems);
            return problems.size() == before ? set(s, v) : this;
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
            return set(SettingsTable.API_BASE_URL, value);
        }

        public Builder audience(String value) {
            return set(SettingsTable.AUDIENCE, value);
        }

        public Builder tokenTtl(Duration value) {
            return set(SettingsTable.TOKEN_TTL, value);
        }

        public Builder tokenSkew(Duration value) {
            return set(SettingsTable.TOKEN_SKEW, value);
        }

        public Builder tokenClaims(Map<String, String> value) {
            return set(SettingsTable.TOKEN_CLAIMS, Map.copyOf(value));
        }

        public Builder approvalKey(String value) {
            return set(SettingsTable.APPROVAL_KEY, value);
        }

        public Builder approvers(List<String> value) {
            return set(SettingsTable.APPROVERS, List.copyOf(value));
        }

        public Builder metadata(Map<String, String> value) {
            return set(SettingsTable.METADATA, Map.copyOf(value));
        }

        /** Request parameter name → metadata name, for the mapped filter's protection. */
        public Builder parameters(Map<String, String> value) {
            return set(SettingsTable.PARAMETERS, Map.copyOf(value));
        }

        public Builder grantDuration(Duration value) {
            return set(SettingsTable.GRANT_DURATION, value);
        }

        public Builder grantScope(GrantScope value) {
            return set(SettingsTable.GRANT_SCOPE, value);
        }

        public Builder pollInterval(Duration value) {
            return set(SettingsTable.POLL_INTERVAL, value);
        }

        public Builder pendingTimeout(Duration value) {
            return set(SettingsTable.PENDING_TIMEOUT, value);
        }

        public Builder lockCheck(boolean value) {
            return set(SettingsTable.LOCK_CHECK, value);
        }

        public Builder lockCheckFailure(FailurePolicy value) {
            return set(SettingsTable.LOCK_CHECK_FAILURE, value);
        }

        public Builder allowNotEnrolled(boolean value) {
            return set(SettingsTable.NOT_ENROLLED, value);
        }

        public Builder approvalFailure(FailurePolicy value) {
            return set(SettingsTable.APPROVAL_FAILURE, value);
        }

        public Builder connectTimeout(Duration value) {
            return set(SettingsTable.CONNECT_TIMEOUT, value);
        }

        public Builder readTimeout(Duration value) {
            return set(SettingsTable.READ_TIMEOUT, value);
        }

        public Builder pendingPath(String value) {
            return set(SettingsTable.PENDING_PATH, value);
        }

        public Builder pendingPage(String value) {
            return set(SettingsTable.PENDING_PAGE, value);
        }

        public Builder apiPaths(List<String> value) {
            return set(SettingsTable.API_PATHS, List.copyOf(value));
        }

        /** {@code nl3.methods}: as the setting's text, e.g. {@code List.of("POST", "DELETE")}; empty: every method. */
        public Builder methods(java.util.Collection<String> value) {
            return read(SettingsTable.METHODS, String.join(",", value));
        }

        public Builder maxStatusCalls(int value) {
            return set(SettingsTable.MAX_STATUS_CALLS, value);
        }

        public Builder maxResponseBytes(int value) {
            return set(SettingsTable.MAX_RESPONSE_SIZE, value);
        }

        public Builder callThreads(int value) {
            return set(SettingsTable.CALL_THREADS, value);
        }

        public Builder callQueue(int value) {
            return set(SettingsTable.CALL_QUEUE, value);
        }

        public Builder maxEntries(int value) {
            return set(SettingsTable.MAX_ENTRIES, value);
        }

        public Builder autoRegister(boolean value) {
            return set(SettingsTable.AUTO_REGISTER, value);
        }

        /** {@link Uses#auto()} (one use for Sign and Approve, else unlimited), {@link Uses#unlimited()}, or a count. */
        public Builder grantUses(Uses value) {
            return set(SettingsTable.GRANT_USES, Objects.requireNonNull(value, "uses"));
        }

        public Builder reason(Reason value) {
            return set(SettingsTable.REASON, value);
        }

        public Builder lockRecheck(Duration value) {
            return set(SettingsTable.LOCK_RECHECK, value);
        }

        public Builder maxKeptBody(int value) {
            return set(SettingsTable.MAX_KEPT_BODY, value);
        }

        public Builder maxValueLength(int value) {
            return set(SettingsTable.MAX_VALUE_LENGTH, value);
        }

        public Builder allowedOrigins(Set<String> value) {
            return read(SettingsTable.ALLOWED_ORIGINS, String.join(",", value));
        }

        public Builder maxEntriesPerUser(int value) {
            return set(SettingsTable.MAX_ENTRIES_PER_USER, value);
        }

        /** {@code memory} or an installed store such as {@code jcache}. */
        public Builder store(String value) {
            return set(SettingsTable.STORE, value);
        }

        public Builder storeTimeout(Duration value) {
            return set(SettingsTable.STORE_TIMEOUT, value);
        }

        /**
         * Checks every value against its description.
         *
         * @throws InvalidSettingsException listing every problem, one per setting
         */
        public Nl3Settings build() {
            Map<String, Object> v = new HashMap<>(values);
            String host = (String) v.get(SettingsTable.API_HOST.name());
            if (v.get(SettingsTable.API_BASE_URL.name()) == null && host != null) {
                v.put(SettingsTable.API_BASE_URL.name(), URI.create("https://" + host));
            }
            if (v.get(SettingsTable.AUDIENCE.name()) == null) {
                v.put(SettingsTable.AUDIENCE.name(), host);
            }
            List<String> all = new ArrayList<>(problems);
            List<Setting<?>> described = new ArrayList<>(SettingsTable.ALL);
            described.addAll(stores.values());
            for (Setting<?> s : described) {
                if (all.stream().noneMatch(p -> p.startsWith(s.name() + ": "))) {
                    s.checkAny(v.get(s.name()), all);
                }
            }
            String store = (String) v.get(SettingsTable.STORE.name());
            for (Setting<?> s : stores.values()) {
                // Set for a shared store but without choosing it: each node would keep grants of its own, silently.
                if (v.get(s.name()) != null && s.store() != null && !s.store().equals(store)) {
                    all.add(s.name() + ": set, but nl3.store is " + store + ", which does not use it (a setting of the "
                            + s.store() + " store); set nl3.store=" + s.store() + " to share grants across nodes, or remove "
                            + s.name());
                }
            }
            if (!all.isEmpty()) {
                throw new InvalidSettingsException(all);
            }
            return new Nl3Settings(v, stores);
        }
    }
}
