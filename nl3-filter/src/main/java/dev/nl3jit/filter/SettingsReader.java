package dev.nl3jit.filter;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one class that knows the setting names: reads them from a lookup, parses each into its type and
 * collects every problem before giving up, so one deployment attempt shows them all.
 */
final class SettingsReader {
    static final String SIGNING_KEY = "nl3.signing-key";
    static final String APP_URI = "nl3.app-uri";
    static final String API_HOST = "nl3.api-host";
    static final String API_BASE_URL = "nl3.api-base-url";
    static final String AUDIENCE = "nl3.audience";
    static final String TOKEN_TTL = "nl3.token-ttl";
    static final String TOKEN_SKEW = "nl3.token-skew";
    static final String TOKEN_CLAIMS = "nl3.token-claims";
    static final String APPROVAL_KEY = "nl3.approval-key";
    static final String APPROVERS = "nl3.approvers";
    static final String METADATA = "nl3.metadata";
    static final String GRANT_DURATION = "nl3.grant-duration";
    static final String GRANT_SCOPE = "nl3.grant-scope";
    static final String POLL_INTERVAL = "nl3.poll-interval";
    static final String PENDING_TIMEOUT = "nl3.pending-timeout";
    static final String LOCK_CHECK = "nl3.lock-check";
    static final String LOCK_CHECK_FAILURE = "nl3.lock-check-failure";
    static final String NOT_ENROLLED = "nl3.not-enrolled";
    static final String APPROVAL_FAILURE = "nl3.approval-failure";
    static final String CONNECT_TIMEOUT = "nl3.connect-timeout";
    static final String READ_TIMEOUT = "nl3.read-timeout";
    static final String PENDING_PATH = "nl3.pending-path";
    static final String PENDING_PAGE = "nl3.pending-page";
    static final String API_PATHS = "nl3.api-paths";
    static final String MAX_RESPONSE_SIZE = "nl3.max-response-size";
    static final String MAX_ENTRIES = "nl3.max-entries";
    static final String AUTO_REGISTER = "nl3.auto-register";

    static final Set<String> NAMES = Set.of(SIGNING_KEY, APP_URI, API_HOST, API_BASE_URL, AUDIENCE, TOKEN_TTL, TOKEN_SKEW,
            TOKEN_CLAIMS, APPROVAL_KEY, APPROVERS, METADATA, GRANT_DURATION, GRANT_SCOPE, POLL_INTERVAL, PENDING_TIMEOUT,
            LOCK_CHECK, LOCK_CHECK_FAILURE, NOT_ENROLLED, APPROVAL_FAILURE, CONNECT_TIMEOUT, READ_TIMEOUT, PENDING_PATH,
            PENDING_PAGE, API_PATHS, MAX_RESPONSE_SIZE, MAX_ENTRIES, AUTO_REGISTER);

    /** NL3's own sample names, read after the {@code NL3_*} environment variables. */
    private static final Map<String, String> SAMPLE_ENV_NAMES = Map.of(SIGNING_KEY, "SIGNING_KEY", APP_URI, "APP_URI",
            API_HOST, "API_HOST");

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h|d)?");

    private final Function<String, String> lookup;
    private final List<String> problems = new ArrayList<>();

    SettingsReader(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /**
     * The standard chain of sources, first wins: {@code primary} (e.g. filter init-params, then
     * context-params), system properties, then environment variables {@code NL3_*} and NL3's sample names.
     */
    static Function<String, String> withSystemAndEnvironment(Function<String, String> primary) {
        Map<String, String> env = System.getenv();
        return name -> {
            String v = primary.apply(name);
            if (v == null) {
                v = System.getProperty(name);
            }
            if (v == null) {
                v = env.get(envName(name));
            }
            if (v == null && SAMPLE_ENV_NAMES.containsKey(name)) {
                v = env.get(SAMPLE_ENV_NAMES.get(name));
            }
            return v;
        };
    }

    /** {@code nl3.api-base-url} → {@code NL3_API_BASE_URL}. */
    static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Names under {@code nl3.} that no setting has: a typo would otherwise be silently ignored. */
    static void rejectUnknown(Collection<String> names, String where) {
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            if (n.startsWith("nl3.") && !NAMES.contains(n)) {
                unknown.add(n + " (" + where + "): unknown setting; " + suggestion(n));
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidSettingsException(unknown);
        }
    }

    private static String suggestion(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : NAMES) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= 4 ? "did you mean " + best + "?" : "known settings are listed in the Nl3ApprovalFilter documentation";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    Nl3Settings read() {
        SigningKey key = null;
        String rawKey = value(SIGNING_KEY);
        if (rawKey != null) {
            try {
                key = SigningKey.fromBase64(rawKey);
            } catch (IllegalArgumentException e) {
                problems.add(SIGNING_KEY + ": (value hidden) " + e.getMessage().replace("the signing key ", "")
                        + "; expected the Base64 key from the NL3 portal");
                key = SigningKey.fromBase64("AA==");
            }
        }
        String issuer = value(APP_URI);
        if (issuer != null) {
            issuer = stripScheme(issuer);
        }
        String apiHost = stripScheme(valueOr(API_HOST, "api.nextlevel3.com"));
        URI base = uri(API_BASE_URL, valueOr(API_BASE_URL, "https://" + apiHost));
        String audience = valueOr(AUDIENCE, apiHost);
        Duration ttl = duration(TOKEN_TTL, "300s");
        Duration skew = duration(TOKEN_SKEW, "60s");
        Map<String, String> claims = pairs(TOKEN_CLAIMS);
        String approvalKey = value(APPROVAL_KEY);
        List<String> approvers = list(APPROVERS);
        Map<String, String> metadata = pairs(METADATA);
        Duration grant = duration(GRANT_DURATION, "15m");
        GrantScope scope = choice(GRANT_SCOPE, "key", GrantScope.class, GrantScope.KEY);
        Duration poll = duration(POLL_INTERVAL, "1s");
        Duration pendingTimeout = duration(PENDING_TIMEOUT, "10m");
        boolean lockCheck = bool(LOCK_CHECK, true);
        FailurePolicy lockFailure = choice(LOCK_CHECK_FAILURE, "closed", FailurePolicy.class, FailurePolicy.CLOSED);
        String notEnrolled = valueOr(NOT_ENROLLED, "allow").toLowerCase(Locale.ROOT);
        if (!notEnrolled.equals("allow") && !notEnrolled.equals("deny")) {
            problems.add(NOT_ENROLLED + ": '" + notEnrolled + "'; expected allow or deny");
        }
        FailurePolicy approvalFailure = choice(APPROVAL_FAILURE, "closed", FailurePolicy.class, FailurePolicy.CLOSED);
        Duration connect = duration(CONNECT_TIMEOUT, "2s");
        Duration read = duration(READ_TIMEOUT, "5s");
        String pendingPath = valueOr(PENDING_PATH, "/nl3-approval");
        String pendingPage = value(PENDING_PAGE);
        List<String> apiPaths = list(API_PATHS);
        int maxResponse = integer(MAX_RESPONSE_SIZE, 65536);
        int maxEntries = integer(MAX_ENTRIES, 100_000);
        boolean autoRegister = bool(AUTO_REGISTER, true);
        Nl3Settings settings = null;
        try {
            settings = new Nl3Settings(key, issuer, base, audience, ttl, skew, claims, approvalKey, approvers, metadata, grant,
                    scope, poll, pendingTimeout, lockCheck, lockFailure, !notEnrolled.equals("deny"), approvalFailure, connect,
                    read, pendingPath, pendingPage, apiPaths, maxResponse, maxEntries, autoRegister);
        } catch (InvalidSettingsException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return settings;
    }

    private String value(String name) {
        String v = lookup.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private String valueOr(String name, String fallback) {
        String v = value(name);
        return v == null ? fallback : v;
    }

    private URI uri(String name, String raw) {
        try {
            String s = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
            return new URI(s);
        } catch (URISyntaxException e) {
            problems.add(name + ": '" + raw + "' is not a URL; expected e.g. https://api.nextlevel3.com");
            return URI.create("https://invalid.invalid");
        }
    }

    private Duration duration(String name, String fallback) {
        String raw = valueOr(name, fallback);
        Duration d = parseDuration(raw);
        if (d == null) {
            problems.add(name + ": '" + raw + "' is not a duration; expected a number with a unit (500ms, 30s, 5m, 2h, 1d; "
                    + "a bare number means seconds) or ISO-8601 such as PT5M");
            return parseDuration(fallback);
        }
        return d;
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

    private boolean bool(String name, boolean fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> {
                problems.add(name + ": '" + v + "'; expected true or false");
                return fallback;
            }
        }
    }

    private int integer(String name, int fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            problems.add(name + ": '" + v + "'; expected a whole number");
            return fallback;
        }
    }

    private <E extends Enum<E>> E choice(String name, String fallback, Class<E> type, E fallbackValue) {
        String v = valueOr(name, fallback);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> options = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                options.add(c.name().toLowerCase(Locale.ROOT));
            }
            problems.add(name + ": '" + v + "'; expected one of " + String.join(", ", options));
            return fallbackValue;
        }
    }

    private List<String> list(String name) {
        String v = value(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String item : v.split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return out;
    }

    /** {@code k=v, k2=v2}. */
    private Map<String, String> pairs(String name) {
        String v = value(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        for (String item : v.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                problems.add(name + ": '" + item.strip() + "'; expected comma-separated key=value pairs, e.g. team=ops,env=prod");
                continue;
            }
            out.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
        }
        return out;
    }

    private static String stripScheme(String value) {
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
}
