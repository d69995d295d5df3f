package dev.nl3jit.filter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The whole configuration of the approval filter, immutable and validated when built: a bad record
 * cannot exist. Build one from any {@code name -> value} lookup with {@link #parse(Function)} or from a
 * map with {@link #fromMap(Map)}; the setting names, defaults and units are listed in
 * {@link Nl3ApprovalFilter}'s documentation.
 *
 * @param signingKey       the application's signing key ({@code nl3.signing-key})
 * @param issuer           the application's registered FQDN, the tokens' {@code iss} ({@code nl3.app-uri})
 * @param apiBaseUrl       where the NL3 API lives ({@code nl3.api-base-url})
 * @param audience         the tokens' {@code aud} ({@code nl3.audience})
 * @param tokenTtl         token lifetime ({@code nl3.token-ttl})
 * @param tokenSkew        how far {@code nbf} lies before {@code iat} ({@code nl3.token-skew})
 * @param tokenClaims      custom claims added to every token ({@code nl3.token-claims})
 * @param approvalKey      the template's approval key; {@code null} when only annotations name keys
 * @param approvers        who is asked; empty: the template's default approvers ({@code nl3.approvers})
 * @param metadata         static metadata sent with each approval request ({@code nl3.metadata})
 * @param grantDuration    how long an approval lasts, counted from the moment of approval
 * @param grantScope       what an approval unlocks
 * @param pollInterval     at most one status call per pending request per interval
 * @param pendingTimeout   the client's own limit on a pending request
 * @param lockCheck        whether to ask NL3 whether the account is locked
 * @param lockCheckFailure what a failed lock check does
 * @param allowNotEnrolled whether a user NL3 reports as not enrolled may proceed
 * @param approvalFailure  what a failed approval call does
 * @param connectTimeout   connect timeout of NL3 calls
 * @param readTimeout      read timeout of NL3 calls
 * @param pendingPath      where the filter serves the pending page and status endpoint
 * @param pendingPage      the application's own pending page to forward to, or {@code null}
 * @param apiPaths         path prefixes whose callers always get problem+json answers
 * @param maxResponseBytes cap on an NL3 response body
 * @param maxEntries       cap on grants and pending requests held in memory
 * @param autoRegister     whether the jar wires itself for annotated servlets
 */
public record Nl3Settings(SigningKey signingKey, String issuer, URI apiBaseUrl, String audience, Duration tokenTtl,
        Duration tokenSkew, Map<String, String> tokenClaims, String approvalKey, List<String> approvers,
        Map<String, String> metadata, Duration grantDuration, GrantScope grantScope, Duration pollInterval,
        Duration pendingTimeout, boolean lockCheck, FailurePolicy lockCheckFailure, boolean allowNotEnrolled,
        FailurePolicy approvalFailure, Duration connectTimeout, Duration readTimeout, String pendingPath,
        String pendingPage, List<String> apiPaths, int maxResponseBytes, int maxEntries, boolean autoRegister) {

    static final Pattern APPROVAL_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    static final Pattern FQDN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\\d{1,5})?");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    private static final List<String> REGISTERED_CLAIMS = List.of("iss", "aud", "sub", "iat", "nbf", "exp", "jti");

    public Nl3Settings {
        List<String> problems = new ArrayList<>();
        if (signingKey == null) {
            problems.add(SettingsReader.SIGNING_KEY + ": missing; expected the application's Base64 signing key from the NL3 portal"
                    + " (also read from NL3_SIGNING_KEY or SIGNING_KEY)");
        }
        if (issuer == null || !FQDN.matcher(issuer).matches()) {
            problems.add(SettingsReader.APP_URI + ": " + shown(issuer)
                    + "; expected the application's registered FQDN without scheme, e.g. app.example.com (also NL3_APP_URI or APP_URI)");
        }
        if (apiBaseUrl == null || !apiBaseUrl.isAbsolute() || apiBaseUrl.getHost() == null
                || !("https".equalsIgnoreCase(apiBaseUrl.getScheme()) || "http".equalsIgnoreCase(apiBaseUrl.getScheme()))
                || apiBaseUrl.getRawQuery() != null || apiBaseUrl.getRawFragment() != null) {
            problems.add(SettingsReader.API_BASE_URL + ": " + shown(apiBaseUrl)
                    + "; expected an absolute http(s) URL without query, e.g. https://api.nextlevel3.com");
        }
        if (audience == null || audience.isBlank()) {
            problems.add(SettingsReader.AUDIENCE + ": empty; expected the NL3 API host, e.g. api.nextlevel3.com");
        }
        range(problems, SettingsReader.TOKEN_TTL, tokenTtl, Duration.ofSeconds(10), Duration.ofHours(1));
        range(problems, SettingsReader.TOKEN_SKEW, tokenSkew, Duration.ZERO, Duration.ofMinutes(10));
        tokenClaims = Map.copyOf(Objects.requireNonNullElse(tokenClaims, Map.of()));
        for (String claim : tokenClaims.keySet()) {
            if (!CLAIM.matcher(claim).matches() || REGISTERED_CLAIMS.contains(claim)) {
                problems.add(SettingsReader.TOKEN_CLAIMS + ": claim name '" + claim
                        + "' not allowed; expected a custom claim name (not iss, aud, sub, iat, nbf, exp, jti)");
            }
        }
        if (approvalKey != null && !APPROVAL_KEY.matcher(approvalKey).matches()) {
            problems.add(SettingsReader.APPROVAL_KEY + ": '" + approvalKey
                    + "'; expected a template Approval Key of letters, digits and _ . : - (e.g. ADMIN_ACCESS)");
        }
        approvers = List.copyOf(Objects.requireNonNullElse(approvers, List.of()));
        metadata = Map.copyOf(Objects.requireNonNullElse(metadata, Map.of()));
        range(problems, SettingsReader.GRANT_DURATION, grantDuration, Duration.ofSeconds(1), Duration.ofDays(7));
        if (grantScope == null) {
            problems.add(SettingsReader.GRANT_SCOPE + ": missing; expected key or request");
        }
        range(problems, SettingsReader.POLL_INTERVAL, pollInterval, Duration.ofMillis(200), Duration.ofMinutes(1));
        range(problems, SettingsReader.PENDING_TIMEOUT, pendingTimeout, Duration.ofSeconds(10), Duration.ofDays(1));
        if (lockCheckFailure == null || approvalFailure == null) {
            problems.add("failure policies must be open or closed");
        }
        range(problems, SettingsReader.CONNECT_TIMEOUT, connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
        range(problems, SettingsReader.READ_TIMEOUT, readTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
        if (pendingPath == null || !PATH.matcher(pendingPath).matches() || pendingPath.equals("/") || pendingPath.endsWith("/")
                || pendingPath.contains("//") || pendingPath.contains("/../") || pendingPath.contains("/./")) {
            problems.add(SettingsReader.PENDING_PATH + ": " + shown(pendingPath)
                    + "; expected a path inside the application, e.g. /nl3-approval");
        }
        if (pendingPage != null && (!PATH.matcher(pendingPage).matches() || pendingPage.contains("//"))) {
            problems.add(SettingsReader.PENDING_PAGE + ": " + shown(pendingPage)
                    + "; expected a path inside the application to forward to, e.g. /approval-pending.jsp");
        }
        apiPaths = List.copyOf(Objects.requireNonNullElse(apiPaths, List.of()));
        for (String p : apiPaths) {
            if (!p.startsWith("/")) {
                problems.add(SettingsReader.API_PATHS + ": '" + p + "'; expected path prefixes starting with /, e.g. /api/");
            }
        }
        if (maxResponseBytes < 1024 || maxResponseBytes > 16 * 1024 * 1024) {
            problems.add(SettingsReader.MAX_RESPONSE_SIZE + ": " + maxResponseBytes + "; expected 1024 to 16777216 bytes");
        }
        if (maxEntries < 10 || maxEntries > 10_000_000) {
            problems.add(SettingsReader.MAX_ENTRIES + ": " + maxEntries + "; expected 10 to 10000000");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
    }

    /**
     * Reads and validates every setting from {@code lookup} (setting name, e.g. {@code nl3.app-uri}, to value or
     * {@code null}). Environment-variable fallbacks are the caller's choice; {@link Nl3ApprovalFilter} adds them.
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
        return parse(SettingsReader.withSystemAndEnvironment(first));
    }

    /** {@link #parse(Function)} over a map. */
    public static Nl3Settings fromMap(Map<String, String> values) {
        SettingsReader.rejectUnknown(values.keySet(), "map");
        return parse(values::get);
    }

    private static void range(List<String> problems, String name, Duration value, Duration min, Duration max) {
        if (value == null) {
            problems.add(name + ": missing; expected a duration such as 30s, 5m or 500ms");
        } else if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problems.add(name + ": " + SettingsReader.format(value) + " is out of range; expected between "
                    + SettingsReader.format(min) + " and " + SettingsReader.format(max));
        }
    }

    private static String shown(Object value) {
        return value == null ? "missing" : "'" + value + "'";
    }

    @Override
    public String toString() {
        return "Nl3Settings[issuer=" + issuer + ", apiBaseUrl=" + apiBaseUrl + ", audience=" + audience + ", approvalKey="
                + approvalKey + ", signingKey=" + signingKey + "]";
    }
}
