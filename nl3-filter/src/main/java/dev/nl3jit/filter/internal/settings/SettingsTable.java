package dev.nl3jit.filter.internal.settings;

import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import java.util.ServiceLoader;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.Uses;

import dev.nl3jit.filter.FailurePolicy;
import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.GrantBinding;
import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.Nl3ApprovalFilter;
import dev.nl3jit.filter.internal.util.Urls;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.Reason;


import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the library, each described once (name, default, parser, check and error text, allowed range,
 * description). The settings validate with it, {@link Protection} parses annotation values with it, every source
 * reads through it, and the docs (README, {@link Nl3ApprovalFilter}'s Javadoc, the Spring Boot metadata) are rendered
 * from it by {@link SettingsDocs}. A store backend describes its own settings ({@link dev.nl3jit.filter.spi.KeyValueStoreFactory#settings()}).
 */
public final class SettingsTable {
    static final Pattern APPROVAL_KEY_FORM = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    static final Pattern FQDN = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\\d{1,5})?");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    private static final List<String> REGISTERED_CLAIMS = List.of("iss", "aud", "sub", "iat", "nbf", "exp", "jti");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h|d)?");
    private static final Pattern STORE_WORD = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    // Each setting once: name, default, parser, check and error text, range, description. The docs are rendered
    // from these (SettingsDocs); SettingsDocsTest fails when the README, the filter's Javadoc or the Spring Boot
    // metadata say otherwise. Adding a setting: a constant here, its entry in ALL, an accessor in Nl3Settings.

    public static final Setting<SigningKey> SIGNING_KEY = Setting.of("nl3.signing-key", null, SettingsTable::signingKey,
            v -> v == null ? "missing; expected the application's Base64 signing key from the NL3 portal"
                    + " (also read from NL3_SIGNING_KEY or SIGNING_KEY)" : null)
            .described("required", "the application's Base64 signing key from the NL3 portal; whitespace ignored; under 32 "
                    + "bytes logs a warning");
    public static final Setting<String> APP_URI = Setting.of("nl3.app-uri", null, SettingsTable::stripScheme,
            v -> v != null && FQDN.matcher(v).matches() ? null : shown(v)
                    + "; expected the application's registered FQDN without scheme, e.g. app.example.com (also NL3_APP_URI or APP_URI)")
            .described("required", "the application's registered FQDN, the tokens' `iss` (a scheme is stripped)");
    public static final Setting<String> API_HOST = Setting.of("nl3.api-host", "api.nextlevel3.com", SettingsTable::stripScheme,
            v -> v != null && FQDN.matcher(v).matches() ? null : shown(v)
                    + "; expected the NL3 API host without scheme, e.g. api.nextlevel3.com (also NL3_API_HOST or API_HOST)")
            .described(null, "the NL3 API host");
    /** Default: {@code https://} + {@link #API_HOST}. */
    public static final Setting<URI> API_BASE_URL = Setting.of("nl3.api-base-url", null, SettingsTable::uri, SettingsTable::checkBaseUrl)
            .described("`https://` + api-host", "where the API is called");
    /** Default: {@link #API_HOST}. */
    public static final Setting<String> AUDIENCE = Setting.of("nl3.audience", null, s -> s,
            v -> v == null || v.isBlank() ? "empty; expected the NL3 API host, e.g. api.nextlevel3.com" : null)
            .described("api-host", "the tokens' `aud`");
    public static final Setting<Duration> TOKEN_TTL = duration("nl3.token-ttl", "300s", Duration.ofSeconds(10), Duration.ofHours(1))
            .described(null, "token lifetime, `exp = iat + ttl` ({range})");
    public static final Setting<Duration> TOKEN_SKEW = duration("nl3.token-skew", "60s", Duration.ZERO, Duration.ofMinutes(10))
            .described(null, "`nbf = iat − skew` ({range})");
    public static final Setting<Map<String, String>> TOKEN_CLAIMS = Setting.of("nl3.token-claims", "", SettingsTable::pairs,
            SettingsTable::checkClaims).described(null, "custom claims, `name=value,…`");
    public static final Setting<String> APPROVAL_KEY = Setting.of("nl3.approval-key", null, s -> s, SettingsTable::checkApprovalKey)
            .described("required for a mapped filter", "the template's Approval Key (`templateId`)");
    public static final Setting<List<String>> APPROVERS = Setting.of("nl3.approvers", "", SettingsTable::list, null)
            .described("none: template defaults", "comma-separated approvers");
    public static final Setting<Map<String, String>> METADATA = Setting.of("nl3.metadata", "", SettingsTable::pairs, null)
            .described(null, "`key=value,…` sent as `metaData`; `requester`, `method`, `path`, `userAgent`, `ip`, `covers` are "
                    + "always ours and cannot be overwritten (nor `reason`, when the user typed one)");
    public static final Setting<Map<String, String>> PARAMETERS = Setting.of("nl3.parameters", "", SettingsTable::parameters, null)
            .described(null, "request parameters sent as metadata and bound by request-scoped grants: `name` or "
                    + "`name=metadataKey`, comma-separated");
    public static final Setting<Duration> GRANT_DURATION = duration("nl3.grant-duration", "15m", Duration.ofSeconds(1), Duration.ofDays(7))
            .described(null, "how long an approval lasts, counted from the approval ({range})");
    public static final Setting<GrantScope> GRANT_SCOPE = choice("nl3.grant-scope", "key", GrantScope.class)
            .described(null, "`key`: every request under the approval key; `request`: the same method, path and values of "
                    + "`nl3.parameters` only (a digest of the values the approver saw)");
    public static final Setting<Uses> GRANT_USES = Setting.of("nl3.grant-uses", "auto", Uses::parse, null)
            .described(null, "requests one approval lets through: `auto` (1 for Sign and Approve, else unlimited), `unlimited`, "
                    + "or 1 – 1000000; taken atomically");
    public static final Setting<GrantBinding> GRANT_BINDING = choice("nl3.grant-binding", "user", GrantBinding.class)
            .described(null, "`user`, or `session`: a grant serves only the HTTP session that asked");
    /** {@code memory}, or the name of an installed {@link dev.nl3jit.filter.spi.KeyValueStoreFactory} such as {@code jcache}. */
    public static final Setting<String> STORE = Setting.of("nl3.store", "memory", s -> s.toLowerCase(Locale.ROOT),
            v -> STORE_WORD.matcher(v).matches() ? null : shown(v)
                    + "; expected memory, or jcache with nl3-jcache on the class path, or redis with nl3-redis")
            .described(null, "`memory`, `jcache` (module `nl3-jcache`) or `redis` (module `nl3-redis`), each module's settings "
                    + "listed with it: grants, tickets, claims and limits shared by every node of a cluster");
    public static final Setting<Duration> STORE_TIMEOUT = duration("nl3.store-timeout", "2s", Duration.ofMillis(100), Duration.ofMinutes(1))
            .described(null, "how long one call of a shared store (`jcache`, `redis`, or your own) may take ({range}); past it the "
                    + "request gets `503`, as when the store is down; the in-memory store is never waited for");
    public static final Setting<Reason> REASON = choice("nl3.reason", "none", Reason.class)
            .described(null, "`none`, `optional` or `required`: the user types a reason before the request is sent (mapped "
                    + "filter); API clients send it in the `NL3-Reason` header");
    public static final Setting<RateLimit> REQUEST_LIMIT = Setting.of("nl3.request-limit", "5/10m", RateLimit::parse, SettingsTable::present)
            .described(null, "new approval requests per user per window (1 – 100000 per 1 s – 1 d); over it `429` and no NL3 call");
    public static final Setting<Duration> LOCK_RECHECK = duration("nl3.lock-recheck", "30s", Duration.ofSeconds(1), Duration.ofHours(1))
            .described(null, "the longest a lock takes, plus a second, to end the grants of a user holding them: NL3's answers "
                    + "are re-asked in the background before they are older than this ({range}), within `nl3.max-status-calls` "
                    + "(users holding grants / this ≤ 8 tenths of it; past that a warning names the numbers and the fix)");
    public static final Setting<Integer> MAX_KEPT_BODY = integer("nl3.max-kept-body", "65536", 0, 16 * 1024 * 1024, " bytes")
            .described(null, "the largest POST/PUT/PATCH/DELETE body kept for Send now, in bytes ({range}; 0: keep none)");
    public static final Setting<Integer> MAX_VALUE_LENGTH = integer("nl3.max-value-length", "500", 1, 100_000, " characters")
            .described(null, "the longest value the approver is shown whole, in characters ({range}): a bound parameter, a "
                    + "method argument or a reason longer than this is refused before any approval request (browsers: a page "
                    + "naming the field and the limit; API clients: `422`), never cut");
    public static final Setting<Set<String>> ALLOWED_ORIGINS = Setting.of("nl3.allowed-origins", "", SettingsTable::origins, null)
            .described(null, "origins besides the application's own (`https://host[:port]`, comma-separated) whose pages may "
                    + "send unsafe protected requests; any other `Origin`, or `Sec-Fetch-Site: cross-site`/`same-site`, gets "
                    + "`403` before any approval request");
    public static final Setting<Duration> POLL_INTERVAL = duration("nl3.poll-interval", "1s", Duration.ofMillis(200), Duration.ofMinutes(1))
            .described(null, "at most one status call per pending request per interval while nobody long-polls it ({range}); "
                    + "a request a page or API client long-polls is checked every 200 ms, within `nl3.max-status-calls`");
    public static final Setting<Integer> MAX_STATUS_CALLS = integer("nl3.max-status-calls", "500", 1, 100_000, " per second")
            .described(null, "NL3 calls per second at most, in every second ({range}), for all of an application's engines on "
                    + "a node together (the smallest value wins): status checks, lock checks, approval requests and cancels all count. Users' own calls come first (a tenth is theirs alone; over the "
                    + "limit a first request waits up to a second, then gets `503`), then the lock re-checks (up to 8 tenths), "
                    + "then the waiting pages' status checks, fresh requests more often than old ones (every 200 ms while "
                    + "they fit). NL3 publishes no rate limit we know of");
    public static final Setting<Duration> PENDING_TIMEOUT = duration("nl3.pending-timeout", "10m", Duration.ofSeconds(10), Duration.ofDays(1))
            .described(null, "how long the application waits for a decision ({range})");
    public static final Setting<Boolean> LOCK_CHECK = bool("nl3.lock-check", "true")
            .described(null, "ask NL3 whether the account is locked before requesting an approval, before recording a grant, "
                    + "and in the background while grants live");
    public static final Setting<FailurePolicy> LOCK_CHECK_FAILURE = choice("nl3.lock-check-failure", "closed", FailurePolicy.class)
            .described(null, "`closed` or `open` when the lock check fails");
    /** {@code true}: allow. */
    public static final Setting<Boolean> NOT_ENROLLED = Setting.of("nl3.not-enrolled", "allow", s -> switch (s.toLowerCase(Locale.ROOT)) {
        case "allow" -> Boolean.TRUE;
        case "deny" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException("'" + s + "'; expected allow or deny");
    }, SettingsTable::present).described(null, "`allow` or `deny` a user NL3 reports as not enrolled");
    public static final Setting<FailurePolicy> APPROVAL_FAILURE = choice("nl3.approval-failure", "closed", FailurePolicy.class)
            .described(null, "`closed` (503) or `open` (pass, logged at WARNING) when an approval call fails");
    public static final Setting<Duration> CONNECT_TIMEOUT = duration("nl3.connect-timeout", "2s", Duration.ofMillis(100), Duration.ofMinutes(1))
            .described(null, "connect timeout of NL3 calls ({range})");
    public static final Setting<Duration> READ_TIMEOUT = duration("nl3.read-timeout", "5s", Duration.ofMillis(100), Duration.ofMinutes(1))
            .described(null, "read timeout of NL3 calls ({range}); no NL3 call holds a request longer than connect + read + "
                    + "1 s, whatever the server does (a trickled or half-closed answer, or none); when `nl3.max-status-calls` is spent, "
                    + "a user's call first waits up to a second for room, then the request gets 503");
    public static final Setting<String> PENDING_PATH = Setting.of("nl3.pending-path", "/nl3-approval", s -> s, SettingsTable::checkPendingPath)
            .described(null, "where the pending page, `/status`, `/continue`, `/cancel` and `/retry` are served; "
                    + "auto-registration maps it, else map a filter there too");
    public static final Setting<String> PENDING_PAGE = Setting.of("nl3.pending-page", null, s -> s,
            v -> v == null || PATH.matcher(v).matches() && !v.contains("//") ? null : shown(v)
                    + "; expected a path inside the application to forward to, e.g. /approval-pending.jsp")
            .described(null, "your own pending page to forward to; it gets request attributes `nl3.approval.status`, `.type`, "
                    + "`.approvers`, `.expiresAt`, `.comment`, `.replay`, `.statusUrl`, `.cancelUrl`, `.retryUrl`, "
                    + "`.continueUrl`, `.ticket`");
    public static final Setting<List<String>> API_PATHS = Setting.of("nl3.api-paths", "", SettingsTable::list, SettingsTable::checkApiPaths)
            .described(null, "path prefixes whose callers always get problem+json, e.g. `/api/`");
    public static final Setting<Set<String>> METHODS = Setting.of("nl3.methods", "", SettingsTable::methods, null)
            .described("every method", "the HTTP methods a mapped filter protects, comma-separated, e.g. `POST,PUT,PATCH,DELETE`; "
                    + "`GET` brings `HEAD`; other methods pass unchecked");
    public static final Setting<Integer> MAX_RESPONSE_SIZE = integer("nl3.max-response-size", "65536", 1024, 16 * 1024 * 1024, " bytes")
            .described(null, "bytes read from an NL3 answer at most ({range})");
    public static final Setting<Integer> CALL_THREADS = integer("nl3.call-threads", "32", 1, 1000, " threads")
            .described(null, "threads that make one engine's blocking NL3 calls (lock checks, approval requests, cancels, "
                    + "recording status answers), {range}; started when needed, gone after 30 s idle");
    public static final Setting<Integer> CALL_QUEUE = integer("nl3.call-queue", "256", 0, 100_000, " waiting calls")
            .described(null, "calls that may wait for one of those threads ({range}); a call beyond them is refused at once: "
                    + "the request gets `503` (`Retry-After`), whatever `nl3.approval-failure` says, logged once per cause");
    public static final Setting<Integer> MAX_ENTRIES = integer("nl3.max-entries", "100000", 10, 10_000_000, "")
            .described(null, "grants and pending approvals held in memory at most ({range}); the in-memory store only");
    public static final Setting<Integer> MAX_ENTRIES_PER_USER = integer("nl3.max-entries-per-user", "20", 1, 10_000, "")
            .described(null, "grants and pending approvals held per user at most ({range}), in every store");
    public static final Setting<Boolean> AUTO_REGISTER = bool("nl3.auto-register", "true")
            .described(null, "whether the jar wires itself (annotated servlets, the pending path) at startup");

    /** Every setting of the library itself, in the order the docs list them. */
    public static final List<Setting<?>> ALL = List.of(SIGNING_KEY, APP_URI, API_HOST, API_BASE_URL, AUDIENCE, TOKEN_TTL, TOKEN_SKEW,
            TOKEN_CLAIMS, APPROVAL_KEY, APPROVERS, METADATA, PARAMETERS, GRANT_DURATION, GRANT_SCOPE, GRANT_USES, GRANT_BINDING,
            STORE, STORE_TIMEOUT, REASON, REQUEST_LIMIT, LOCK_RECHECK, MAX_KEPT_BODY, MAX_VALUE_LENGTH, ALLOWED_ORIGINS,
            POLL_INTERVAL, MAX_STATUS_CALLS, PENDING_TIMEOUT, LOCK_CHECK, LOCK_CHECK_FAILURE, NOT_ENROLLED, APPROVAL_FAILURE,
            CONNECT_TIMEOUT, READ_TIMEOUT, PENDING_PATH, PENDING_PAGE, API_PATHS, METHODS, MAX_RESPONSE_SIZE, CALL_THREADS,
            CALL_QUEUE, MAX_ENTRIES, MAX_ENTRIES_PER_USER, AUTO_REGISTER);

    public static final Map<String, Setting<?>> BY_NAME;

    static {
        Map<String, Setting<?>> byName = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            if (byName.put(s.name(), s) != null) {
                throw new ExceptionInInitializerError("two settings named " + s.name());
            }
        }
        BY_NAME = java.util.Collections.unmodifiableMap(byName);
    }

    /**
     * The library's settings and those of every store installed in {@code loader} (each {@link dev.nl3jit.filter.spi.KeyValueStoreFactory}'s
     * {@link dev.nl3jit.filter.spi.KeyValueStoreFactory#settings()}), by name.
     */
    public static Map<String, Setting<?>> known(ClassLoader loader) {
        Map<String, Setting<?>> known = new LinkedHashMap<>(BY_NAME);
        for (Setting<?> s : installed(loader)) {
            known.putIfAbsent(s.name(), s);
        }
        return known;
    }

    private SettingsTable() {
    }

    // --- kinds of settings ---

    static Setting<Duration> duration(String name, String fallback, Duration min, Duration max) {
        return Setting.of(name, fallback, text -> {
            Duration d = parseDuration(text);
            if (d == null) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; expected a number with a unit (500ms, 30s, "
                        + "5m, 2h, 1d; a bare number means seconds) or ISO-8601 such as PT5M");
            }
            return d;
        }, v -> {
            if (v == null) {
                return "missing; expected a duration such as 30s, 5m or 500ms";
            }
            if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                return format(v) + " is out of range; expected between " + format(min) + " and " + format(max);
            }
            return null;
        }).withRange(spoken(min) + " – " + spoken(max));
    }

    private static Setting<Boolean> bool(String name, String fallback) {
        return Setting.of(name, fallback, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + text + "'; expected true or false");
        }, SettingsTable::present).withType("java.lang.Boolean");
    }

    private static Setting<Integer> integer(String name, String fallback, int min, int max, String unit) {
        return Setting.of(name, fallback, text -> {
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "'; expected a whole number");
            }
        }, v -> v == null || v < min || v > max ? v + "; expected " + min + " to " + max + unit : null)
                .withRange(min + " – " + max).withType("java.lang.Integer");
    }

    private static <E extends Enum<E>> Setting<E> choice(String name, String fallback, Class<E> type) {
        return Setting.of(name, fallback, text -> {
            for (E c : type.getEnumConstants()) {
                if (c.name().equalsIgnoreCase(text)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("'" + text + "'; expected one of " + options(type));
        }, v -> v == null ? "missing; expected one of " + options(type) : null);
    }

    private static String options(Class<? extends Enum<?>> type) {
        List<String> options = new ArrayList<>();
        for (Enum<?> c : type.getEnumConstants()) {
            options.add(c.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", options);
    }

    private static String present(Object v) {
        return v == null ? "missing" : null;
    }

    /** A bound of a range as the docs write it: {@code 100 ms}, {@code 10 s}, {@code 1 min}, {@code 7 d}, {@code 0}. */
    public static String spoken(Duration d) {
        String f = format(d);
        if (d.isZero()) {
            return "0";
        }
        int unit = f.length() - (f.endsWith("ms") ? 2 : 1);
        String u = f.substring(unit);
        return f.substring(0, unit) + " " + ("m".equals(u) ? "min" : u);
    }

    // --- parsers ---

    private static SigningKey signingKey(String text) {
        try {
            return SigningKey.fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("(value hidden) " + e.getMessage().replace("the signing key ", "")
                    + "; expected the Base64 key from the NL3 portal");
        }
    }

    private static URI uri(String text) {
        String s = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL; expected e.g. https://api.nextlevel3.com");
        }
    }

    public static Duration parseDuration(String raw) {
        String s = raw.strip();
        if (s.regionMatches(true, 0, "P", 0, 1)) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public static String format(Duration d) {
        if (d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static List<String> list(String text) {
        List<String> out = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return List.copyOf(out);
    }

    /** {@code k=v, k2=v2}: each item through {@link #pair(String)}. */
    static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                Map.Entry<String, String> e = pair(item);
                out.put(e.getKey(), e.getValue());
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * One {@code key=value} (of {@code nl3.metadata}, {@code nl3.token-claims}, an annotation's {@code metadata}).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Map.Entry<String, String> pair(String item) {
        int eq = item.indexOf('=');
        if (eq <= 0 || item.substring(0, eq).isBlank()) {
            throw new IllegalArgumentException("'" + item.strip() + "'; expected comma-separated key=value pairs, e.g. team=ops,env=prod");
        }
        return Map.entry(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
    }

    /** {@code amount, to=recipient}: parameter name → metadata name, each item through {@link #parameter(String)}. */
    static Map<String, String> parameters(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                Map.Entry<String, String> e = parameter(item);
                out.put(e.getKey(), e.getValue());
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * One {@code name} or {@code name=metadataKey} (of {@code nl3.parameters}, an annotation's {@code parameters}).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Map.Entry<String, String> parameter(String item) {
        int eq = item.indexOf('=');
        String name = (eq < 0 ? item : item.substring(0, eq)).strip();
        String key = eq < 0 ? name : item.substring(eq + 1).strip();
        if (name.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("'" + item.strip() + "'; expected name or name=metadataKey, comma-separated");
        }
        return Map.entry(name, key);
    }

    static String stripScheme(String value) {
        String v = value.strip();
        int scheme = v.indexOf("://");
        if (scheme > 0) {
            v = v.substring(scheme + 3);
        }
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        return v;
    }

    // --- checks ---

    private static String checkBaseUrl(URI v) {
        if (v == null || !v.isAbsolute() || v.getHost() == null
                || !("https".equalsIgnoreCase(v.getScheme()) || "http".equalsIgnoreCase(v.getScheme()))
                || v.getRawQuery() != null || v.getRawFragment() != null) {
            return shown(v) + "; expected an absolute http(s) URL without query, e.g. https://api.nextlevel3.com";
        }
        return null;
    }

    private static String checkClaims(Map<String, String> claims) {
        for (String claim : claims.keySet()) {
            if (!CLAIM.matcher(claim).matches() || REGISTERED_CLAIMS.contains(claim)) {
                return "claim name '" + claim + "' not allowed; expected a custom claim name (not iss, aud, sub, iat, nbf, exp, jti)";
            }
        }
        return null;
    }

    static String checkApprovalKey(String v) {
        return v == null || APPROVAL_KEY_FORM.matcher(v).matches() ? null
                : "'" + v + "'; expected a template Approval Key of letters, digits and _ . : - (e.g. ADMIN_ACCESS)";
    }

    private static String checkPendingPath(String v) {
        if (v == null || !PATH.matcher(v).matches() || v.equals("/") || v.endsWith("/") || v.contains("//")
                || v.contains("/../") || v.contains("/./")) {
            return shown(v) + "; expected a path inside the application, e.g. /nl3-approval";
        }
        return null;
    }

    private static Set<String> methods(String text) {
        Set<String> out = new java.util.TreeSet<>();
        for (String m : list(text)) {
            String upper = m.toUpperCase(java.util.Locale.ROOT);
            if (!METHOD.matcher(upper).matches()) {
                // Named as written, not as it would be compared.
                throw new IllegalArgumentException(shown(m) + "; expected HTTP methods, comma-separated, e.g. "
                        + "POST,PUT,PATCH,DELETE (empty: every method)");
            }
            out.add(upper);
        }
        if (out.contains("GET")) {
            out.add("HEAD");
        }
        return Set.copyOf(out);
    }

    /** Web origins, each normalised as browsers send them in {@code Origin}: lower case, default port left out. */
    private static Set<String> origins(String text) {
        Set<String> out = new java.util.TreeSet<>();
        for (String o : list(text)) {
            String normal = Urls.origin(o);
            if (normal == null) {
                throw new IllegalArgumentException(shown(o) + "; expected origins as browsers send them, comma-separated, "
                        + "e.g. https://admin.example.com,https://example.com:8443 (scheme, host and port; no path)");
            }
            out.add(normal);
        }
        return Set.copyOf(out);
    }

    private static String checkApiPaths(List<String> paths) {
        for (String p : paths) {
            if (!p.startsWith("/")) {
                return "'" + p + "'; expected path prefixes starting with /, e.g. /api/";
            }
        }
        return null;
    }

    private static String shown(Object value) {
        return value == null ? "missing" : "'" + value + "'";
    }

    /**
     * The settings of every store installed in {@code loader}, each marked as its store's ({@link Setting#store()}). A
     * factory that cannot be loaded brings none here; opening it reports the error.
     */
    public static List<Setting<?>> installed(ClassLoader loader) {
        List<Setting<?>> out = new java.util.ArrayList<>();
        try {
            for (KeyValueStoreFactory f : ServiceLoader.load(KeyValueStoreFactory.class, loader)) {
                for (Setting<?> s : f.settings()) {
                    out.add(f.name().equals(s.store()) ? s : s.ofStore(f.name()));
                }
            }
        } catch (java.util.ServiceConfigurationError e) {
            // reported when the store is opened
        }
        return out;
    }
}
