package dev.nl3jit.redis;

import dev.nl3jit.filter.InvalidSettingsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where the Redis store is and how it signs in: {@code nl3.redis-uri}, {@code nl3.redis-user},
 * {@code nl3.redis-password}, {@code nl3.redis-key-prefix}, and the core's {@code nl3.store-timeout}. Checked when the
 * application deploys; one {@link InvalidSettingsException} lists every problem. The password is never shown: not in
 * an error, not in {@link #toString()}, not in a log line (a password inside the URI is masked the same way).
 */
public final class RedisSettings {
    /** {@code redis://host:port/db} or {@code rediss://host:port/db} (TLS). */
    public static final String URI_SETTING = "nl3.redis-uri";
    /** The ACL user; default: Redis's {@code default} user. */
    public static final String USER_SETTING = "nl3.redis-user";
    /** The ACL password (or {@code requirepass}); never shown. */
    public static final String PASSWORD_SETTING = "nl3.redis-password";
    /** Put before every key, so several applications share one Redis; default {@code nl3:<nl3.store-name>:}. */
    public static final String KEY_PREFIX_SETTING = "nl3.redis-key-prefix";
    /** Every setting this module reads, besides the core's. */
    public static final List<String> NAMES = List.of(URI_SETTING, USER_SETTING, PASSWORD_SETTING, KEY_PREFIX_SETTING);

    static final String MASK = "****";
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*):[^@/?#]*@");
    private static final Pattern PREFIX_FORM = Pattern.compile("[\\x21-\\x7e]{0,128}");

    private final boolean tls;
    private final String host;
    private final int port;
    private final int database;
    private final String user;
    private final String password;
    private final String keyPrefix;
    private final Duration timeout;

    private RedisSettings(boolean tls, String host, int port, int database, String user, String password, String keyPrefix,
            Duration timeout) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
    }

    /**
     * Reads this module's settings through {@code lookup} (a setting's name to its raw value, or {@code null} when it is
     * not set).
     *
     * @param storeName {@code nl3.store-name}, the default key prefix's middle
     * @param timeout {@code nl3.store-timeout}: connect, read and waiting for a pooled connection, each call within it
     * @throws InvalidSettingsException every problem at once
     */
    public static RedisSettings read(Function<String, String> lookup, String storeName, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<String> problems = new ArrayList<>();
        String rawUri = trimmed(lookup.apply(URI_SETTING));
        String user = trimmed(lookup.apply(USER_SETTING));
        String password = lookup.apply(PASSWORD_SETTING);
        if (password != null && password.isEmpty()) {
            password = null;
        }
        String prefix = lookup.apply(KEY_PREFIX_SETTING);
        if (prefix == null) {
            prefix = "nl3:" + (storeName == null ? "nl3" : storeName) + ":";
        } else if (!PREFIX_FORM.matcher(prefix).matches()) {
            problems.add(KEY_PREFIX_SETTING + ": '" + printable(prefix) + "'; expected up to 128 visible ASCII characters, no "
                    + "spaces, e.g. nl3:ops-console: (put before every key, so several applications share one Redis)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            problems.add("nl3.store-timeout: " + timeout + "; expected a positive duration");
        }
        boolean tls = false;
        String host = null;
        int port = 6379;
        int database = 0;
        if (rawUri == null) {
            problems.add(URI_SETTING + ": missing; expected redis://host:port/db, or rediss://host:port/db for TLS, "
                    + "e.g. redis://redis.internal:6379/0 (also NL3_REDIS_URI)");
        } else {
            String shown = masked(rawUri);
            String expected = "; expected redis://host:port/db, or rediss://host:port/db for TLS, e.g. redis://redis.internal:6379/0";
            try {
                URI uri = new URI(rawUri);
                String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
                if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
                    problems.add(URI_SETTING + ": '" + shown + "' " + (scheme == null ? "has no scheme" : "has scheme " + scheme)
                            + expected + " (Sentinel and Cluster URIs are not supported: name the primary)");
                } else if (uri.getHost() == null) {
                    problems.add(URI_SETTING + ": '" + shown + "' has no host" + expected);
                } else {
                    tls = scheme.equals("rediss");
                    host = uri.getHost();
                    if (uri.getPort() != -1) {
                        port = uri.getPort();
                        if (port < 1 || port > 65535) {
                            problems.add(URI_SETTING + ": '" + shown + "' has port " + port + "; expected 1 – 65535");
                        }
                    }
                    String path = uri.getRawPath();
                    if (path != null && !path.isEmpty() && !path.equals("/")) {
                        String db = path.substring(1);
                        if (db.matches("\\d{1,6}")) {
                            database = Integer.parseInt(db);
                        } else {
                            problems.add(URI_SETTING + ": '" + shown + "' names database '" + db
                                    + "'; expected a database number after the port, e.g. /0");
                        }
                    }
                    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                        problems.add(URI_SETTING + ": '" + shown + "' has a query or fragment" + expected
                                + " (timeouts come from nl3.store-timeout)");
                    }
                    String info = uri.getRawUserInfo();
                    if (info != null) {
                        int colon = info.indexOf(':');
                        String uriUser = decode(colon < 0 ? info : info.substring(0, colon));
                        String uriPassword = colon < 0 ? null : decode(info.substring(colon + 1));
                        if (!uriUser.isEmpty()) {
                            if (user != null && !user.equals(uriUser)) {
                                problems.add(URI_SETTING + ": '" + shown + "' names user " + uriUser + " but " + USER_SETTING
                                        + " is " + user + "; name the user once");
                            }
                            user = uriUser;
                        }
                        if (uriPassword != null && !uriPassword.isEmpty()) {
                            if (password != null) {
                                problems.add(URI_SETTING + ": '" + shown + "' carries a password and " + PASSWORD_SETTING
                                        + " is set too; give the password once, preferably in " + PASSWORD_SETTING);
                            }
                            password = uriPassword;
                        }
                    }
                }
            } catch (URISyntaxException e) {
                // Not e.getMessage(): it repeats the input, password and all.
                problems.add(URI_SETTING + ": '" + shown + "' is not a URI" + expected);
            }
        }
        if (user != null && password == null) {
            problems.add(USER_SETTING + ": " + user + " is set without " + PASSWORD_SETTING + "; an ACL user signs in with a password");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return new RedisSettings(tls, host, port, database, user, password, prefix, timeout);
    }

    /** A URI as it may be shown: a password inside it replaced by {@value #MASK}. */
    public static String masked(String uri) {
        return uri == null ? null : printable(USERINFO_PASSWORD.matcher(uri).replaceFirst("$1:" + MASK + "@"));
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String trimmed(String s) {
        if (s == null) {
            return null;
        }
        s = s.strip();
        return s.isEmpty() ? null : s;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** {@code true} for {@code rediss://}. */
    public boolean tls() {
        return tls;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int database() {
        return database;
    }

    /** The ACL user, or {@code null} for Redis's {@code default} user. */
    public String user() {
        return user;
    }

    /** Whether a password is set (the password itself leaves this class only towards Redis). */
    public boolean hasPassword() {
        return password != null;
    }

    String password() {
        return password;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public Duration timeout() {
        return timeout;
    }

    /** {@code redis://host:port/db}, no credentials: for messages. */
    public String address() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss://" : "redis://") + h + ":" + port + "/" + database;
    }

    /** Settings with another key prefix (tests and tools); checked as {@code nl3.redis-key-prefix} is. */
    public RedisSettings withKeyPrefix(String prefix) {
        if (prefix == null || !PREFIX_FORM.matcher(prefix).matches()) {
            throw new InvalidSettingsException(List.of(KEY_PREFIX_SETTING + ": '" + printable(String.valueOf(prefix))
                    + "'; expected up to 128 visible ASCII characters"));
        }
        return new RedisSettings(tls, host, port, database, user, password, prefix, timeout);
    }

    @Override
    public String toString() {
        return "RedisSettings[" + address() + ", user=" + (user == null ? "default" : user) + ", password="
                + (password == null ? "none" : MASK) + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout + "]";
    }
}
