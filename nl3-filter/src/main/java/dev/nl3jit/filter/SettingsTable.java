package dev.nl3jit.filter;

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
 * Every setting of the library, each described once (name, default, parser, allowed range, error text). The
 * settings record validates with it, {@link Protection} parses annotation values with it, and every source reads
 * through it. The manual of each setting is the table in {@link Nl3ApprovalFilter}'s documentation.
 */
final class SettingsTable {
    static final Pattern APPROVAL_KEY_FORM = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    static final Pattern FQDN = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\\d{1,5})?");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    private static final List<String> REGISTERED_CLAIMS = List.of("iss", "aud", "sub", "iat", "nbf", "exp", "jti");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h|d)?");

    static final Setting<SigningKey> SIGNING_KEY = new Setting<>("nl3.signing-key", null, SettingsTable::signingKey,
            v -> v == null ? "missing; expected the application's Base64 signing key from the NL3 portal"
                    + " (also read from NL3_SIGNING_KEY or SIGNING_KEY)" : null);
    static final Setting<String> APP_URI = new Setting<>("nl3.app-uri", null, SettingsTable::stripScheme,
            v -> v != null && FQDN.matcher(v).matches() ? null : shown(v)
                    + "; expected the application's registered FQDN without scheme, e.g. app.example.com (also NL3_APP_URI or APP_URI)");
    static final Setting<String> API_HOST = new Setting<>("nl3.api-host", "api.nextlevel3.com", SettingsTable::stripScheme,
            v -> v != null && FQDN.matcher(v).matches() ? null : shown(v)
                    + "; expected the NL3 API host without scheme, e.g. api.nextlevel3.com (also NL3_API_HOST or API_HOST)");
    /** Default: {@code https://} + {@link #API_HOST}. */
    static final Setting<URI> API_BASE_URL = new Setting<>("nl3.api-base-url", null, SettingsTable::uri,
            SettingsTable::checkBaseUrl);
    /** Default: {@link #API_HOST}. */
    static final Setting<String> AUDIENCE = new Setting<>("nl3.audience", null, s -> s,
            v -> v == null || v.isBlank() ? "empty; expected the NL3 API host, e.g. api.nextlevel3.com" : null);
    static final Setting<Duration> TOKEN_TTL = duration("nl3.token-ttl", "300s", Duration.ofSeconds(10), Duration.ofHours(1));
    static final Setting<Duration> TOKEN_SKEW = duration("nl3.token-skew", "60s", Duration.ZERO, Duration.ofMinutes(10));
    static final Setting<Map<String, String>> TOKEN_CLAIMS = new Setting<>("nl3.token-claims", "", SettingsTable::pairs,
            SettingsTable::checkClaims);
    static final Setting<String> APPROVAL_KEY = new Setting<>("nl3.approval-key", null, s -> s, SettingsTable::checkApprovalKey);
    static final Setting<List<String>> APPROVERS = new Setting<>("nl3.approvers", "", SettingsTable::list, v -> null);
    static final Setting<Map<String, String>> METADATA = new Setting<>("nl3.metadata", "", SettingsTable::pairs, v -> null);
    /** Request parameters copied into metadata (and bound by request-scoped grants): {@code name} or {@code name=metadataKey}. */
    static final Setting<Map<String, String>> PARAMETERS = new Setting<>("nl3.parameters", "", SettingsTable::parameters,
            v -> null);
    static final Setting<Duration> GRANT_DURATION = duration("nl3.grant-duration", "15m", Duration.ofSeconds(1),
            Duration.ofDays(7));
    static final Setting<GrantScope> GRANT_SCOPE = choice("nl3.grant-scope", "key", GrantScope.class);
    static final Setting<Duration> POLL_INTERVAL = duration("nl3.poll-interval", "1s", Duration.ofMillis(200),
            Duration.ofMinutes(1));
    static final Setting<Duration> PENDING_TIMEOUT = duration("nl3.pending-timeout", "10m", Duration.ofSeconds(10),
            Duration.ofDays(1));
    static final Setting<Boolean> LOCK_CHECK = bool("nl3.lock-check", "true");
    static final Setting<FailurePolicy> LOCK_CHECK_FAILURE = choice("nl3.lock-check-failure", "closed", FailurePolicy.class);
    /** {@code true}: allow. */
    static final Setting<Boolean> NOT_ENROLLED = new Setting<>("nl3.not-enrolled", "allow", s -> switch (s.toLowerCase(Locale.ROOT)) {
        case "allow" -> Boolean.TRUE;
        case "deny" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException("'" + s + "'; expected allow or deny");
    }, SettingsTable::present);
    static final Setting<FailurePolicy> APPROVAL_FAILURE = choice("nl3.approval-failure", "closed", FailurePolicy.class);
    static final Setting<Duration> CONNECT_TIMEOUT = duration("nl3.connect-timeout", "2s", Duration.ofMillis(100),
            Duration.ofMinutes(1));
    static final Setting<Duration> READ_TIMEOUT = duration("nl3.read-timeout", "5s", Duration.ofMillis(100),
            Duration.ofMinutes(1));
    static final Setting<String> PENDING_PATH = new Setting<>("nl3.pending-path", "/nl3-approval", s -> s,
            SettingsTable::checkPendingPath);
    static final Setting<String> PENDING_PAGE = new Setting<>("nl3.pending-page", null, s -> s,
            v -> v == null || PATH.matcher(v).matches() && !v.contains("//") ? null : shown(v)
                    + "; expected a path inside the application to forward to, e.g. /approval-pending.jsp");
    static final Setting<List<String>> API_PATHS = new Setting<>("nl3.api-paths", "", SettingsTable::list,
            SettingsTable::checkApiPaths);
    /** Status calls per second per node: 100 tickets watched at once are each checked every 250 ms (paced at 80 %). */
    static final Setting<Integer> MAX_STATUS_CALLS = integer("nl3.max-status-calls", "500", 1, 100_000, " per second");
    /** Empty: every method; GET brings HEAD, which containers answer by running GET's code. The parser names a bad one. */
    static final Setting<Set<String>> METHODS = new Setting<>("nl3.methods", "", SettingsTable::methods, v -> null);
    static final Setting<Integer> MAX_RESPONSE_SIZE = integer("nl3.max-response-size", "65536", 1024, 16 * 1024 * 1024,
            " bytes");
    /** Threads of one engine's blocking NL3 calls (lock checks, approval requests, cancels, recording status answers). */
    static final Setting<Integer> CALL_THREADS = integer("nl3.call-threads", "32", 1, 1000, " threads");
    /** Calls that may wait for one of those threads; one more is refused at once (503). */
    static final Setting<Integer> CALL_QUEUE = integer("nl3.call-queue", "256", 0, 100_000, " waiting calls");
    static final Setting<Integer> MAX_ENTRIES = integer("nl3.max-entries", "100000", 10, 10_000_000, "");
    static final Setting<Boolean> AUTO_REGISTER = bool("nl3.auto-register", "true");
    /** {@code auto} (0): one use for Sign and Approve, unlimited for Approve; {@code unlimited} (-1); or a count. */
    static final Setting<Integer> GRANT_USES = new Setting<>("nl3.grant-uses", "auto", SettingsTable::uses, v -> null);
    static final Setting<Reason> REASON = choice("nl3.reason", "none", Reason.class);
    static final Setting<Duration> LOCK_RECHECK = duration("nl3.lock-recheck", "30s", Duration.ofSeconds(1), Duration.ofHours(1));
    static final Setting<RateLimit> REQUEST_LIMIT = new Setting<>("nl3.request-limit", "5/10m", RateLimit::parse,
            SettingsTable::present);
    static final Setting<Integer> MAX_KEPT_BODY = integer("nl3.max-kept-body", "65536", 0, 16 * 1024 * 1024, " bytes");
    /** The longest value (request parameter, method argument, reason) an approver can be shown whole; longer ones are refused. */
    static final Setting<Integer> MAX_VALUE_LENGTH = integer("nl3.max-value-length", "500", 1, 100_000, " characters");
    /** Origins besides the application's own from which browsers may send unsafe protected requests. */
    static final Setting<Set<String>> ALLOWED_ORIGINS = new Setting<>("nl3.allowed-origins", "", SettingsTable::origins,
            v -> null);
    static final Setting<Integer> MAX_ENTRIES_PER_USER = integer("nl3.max-entries-per-user", "20", 1, 10_000, "");
    static final Setting<GrantBinding> GRANT_BINDING = choice("nl3.grant-binding", "user", GrantBinding.class);
    private static final Pattern STORE_WORD = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern STORE_NAME_FORM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    /** {@code memory}, or the name of an installed {@link dev.nl3jit.filter.spi.KeyValueStoreFactory} such as {@code jcache}. */
    static final Setting<String> STORE = new Setting<>("nl3.store", "memory", s -> s.toLowerCase(Locale.ROOT),
            v -> STORE_WORD.matcher(v).matches() ? null : shown(v)
                    + "; expected memory, or jcache with nl3-jcache on the class path, or redis with nl3-redis");
    static final Setting<String> STORE_PROVIDER = new Setting<>("nl3.store-provider", null, s -> s,
            v -> v == null || CLASS_NAME.matcher(v).matches() ? null : shown(v)
                    + "; expected a JCache CachingProvider class name, e.g. com.hazelcast.cache.HazelcastMemberCachingProvider");
    static final Setting<URI> STORE_URI = new Setting<>("nl3.store-uri", null, SettingsTable::anyUri, v -> null);
    static final Setting<String> STORE_NAME = new Setting<>("nl3.store-name", "nl3", s -> s,
            v -> STORE_NAME_FORM.matcher(v).matches() ? null : shown(v)
                    + "; expected letters, digits, '.', '_' or '-' (the prefix of the store's cache names)");
    /** How long one call of a shared store may take before the request gets 503 (closed); the in-memory store is never waited for. */
    static final Setting<Duration> STORE_TIMEOUT = duration("nl3.store-timeout", "2s", Duration.ofMillis(100), Duration.ofMinutes(1));
    private static final Pattern REDIS_SCHEME = Pattern.compile("(?i)rediss?://\\S+");
    private static final Pattern REDIS_PASSWORD_IN_URI = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*):[^@/?#]*@");
    /** nl3-redis: where Redis is; read in full (host, port, database, credentials) by that module when the store opens. */
    static final Setting<String> REDIS_URI = new Setting<>("nl3.redis-uri", null, String::strip,
            v -> v == null || REDIS_SCHEME.matcher(v).matches() ? null
                    : "'" + REDIS_PASSWORD_IN_URI.matcher(v).replaceFirst("$1:****@")
                    + "'; expected redis://host:port/db, or rediss://host:port/db for TLS (nl3-redis)");
    static final Setting<String> REDIS_USER = new Setting<>("nl3.redis-user", null, String::strip, v -> null);
    /** Never shown: no check here repeats it, and {@link Nl3Settings#toString()} leaves it out. */
    static final Setting<String> REDIS_PASSWORD = new Setting<>("nl3.redis-password", null, s -> s, v -> null);
    static final Setting<String> REDIS_KEY_PREFIX = new Setting<>("nl3.redis-key-prefix", null, s -> s,
            v -> v == null || v.matches("[\\x21-\\x7e]{1,128}") ? null : shown(v)
                    + "; expected up to 128 visible ASCII characters, no spaces, e.g. nl3:ops-console:");

    static final List<Setting<?>> ALL = List.of(SIGNING_KEY, APP_URI, API_HOST, API_BASE_URL, AUDIENCE, TOKEN_TTL, TOKEN_SKEW,
            TOKEN_CLAIMS, APPROVAL_KEY, APPROVERS, METADATA, PARAMETERS, GRANT_DURATION, GRANT_SCOPE, POLL_INTERVAL, PENDING_TIMEOUT,
            LOCK_CHECK, LOCK_CHECK_FAILURE, NOT_ENROLLED, APPROVAL_FAILURE, CONNECT_TIMEOUT, READ_TIMEOUT, PENDING_PATH,
            PENDING_PAGE, API_PATHS, MAX_RESPONSE_SIZE, CALL_THREADS, CALL_QUEUE, MAX_ENTRIES, AUTO_REGISTER, GRANT_USES, REASON, LOCK_RECHECK,
            REQUEST_LIMIT, MAX_KEPT_BODY, MAX_ENTRIES_PER_USER, GRANT_BINDING, STORE, STORE_PROVIDER, STORE_URI, STORE_NAME, STORE_TIMEOUT,
            REDIS_URI, REDIS_USER, REDIS_PASSWORD, REDIS_KEY_PREFIX, METHODS,
            MAX_STATUS_CALLS, MAX_VALUE_LENGTH, ALLOWED_ORIGINS);

    static final Set<String> NAMES;

    static {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Setting<?> s : ALL) {
            names.add(s.name());
        }
        NAMES = Set.copyOf(names);
    }

    private SettingsTable() {
    }

    // --- kinds of settings ---

    static Setting<Duration> duration(String name, String fallback, Duration min, Duration max) {
        return new Setting<>(name, fallback, text -> {
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
        });
    }

    private static Setting<Boolean> bool(String name, String fallback) {
        return new Setting<>(name, fallback, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + text + "'; expected true or false");
        }, SettingsTable::present);
    }

    private static Setting<Integer> integer(String name, String fallback, int min, int max, String unit) {
        return new Setting<>(name, fallback, text -> {
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "'; expected a whole number");
            }
        }, v -> v == null || v < min || v > max ? v + "; expected " + min + " to " + max + unit : null);
    }

    private static <E extends Enum<E>> Setting<E> choice(String name, String fallback, Class<E> type) {
        return new Setting<>(name, fallback, text -> {
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

    // --- parsers ---

    /** Grant uses: {@code auto} → 0, {@code unlimited} → -1, else 1 to 1000000. */
    static Integer uses(String text) {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> {
                return Protection.USES_AUTO;
            }
            case "unlimited" -> {
                return Protection.USES_UNLIMITED;
            }
            default -> {
                try {
                    int n = Integer.parseInt(text.strip());
                    if (n >= 1 && n <= 1_000_000) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // below
                }
                throw new IllegalArgumentException("'" + text + "'; expected auto (one use for Sign and Approve, else unlimited), "
                        + "unlimited, or a number of uses from 1 to 1000000");
            }
        }
    }

    private static SigningKey signingKey(String text) {
        try {
            return SigningKey.fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("(value hidden) " + e.getMessage().replace("the signing key ", "")
                    + "; expected the Base64 key from the NL3 portal");
        }
    }

    /** Any absolute or relative URI, e.g. {@code classpath:hazelcast-client.xml}. */
    private static URI anyUri(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URI; expected e.g. classpath:hazelcast.xml or file:/etc/hazelcast.xml");
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

    static Duration parseDuration(String raw) {
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

    static String format(Duration d) {
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

    /** {@code k=v, k2=v2}. */
    static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + item.strip()
                        + "'; expected comma-separated key=value pairs, e.g. team=ops,env=prod");
            }
            out.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
        }
        return out;
    }

    /** {@code amount, to=recipient}: parameter name → metadata name. */
    static Map<String, String> parameters(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            String name = (eq < 0 ? item : item.substring(0, eq)).strip();
            String key = eq < 0 ? name : item.substring(eq + 1).strip();
            if (name.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("'" + item.strip() + "'; expected name or name=metadataKey, comma-separated");
            }
            out.put(name, key);
        }
        return out;
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

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    /** Web origins, each normalised as browsers send them in {@code Origin}: lower case, default port left out. */
    private static Set<String> origins(String text) {
        Set<String> out = new java.util.TreeSet<>();
        for (String o : list(text)) {
            String normal = Origins.normalise(o);
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
}
