package dev.nl3jit.redis;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Setting;
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
 * Where the Redis store is and how it signs in, read from {@link RedisStoreFactory}'s settings ({@code nl3.redis-uri},
 * {@code nl3.redis-user}, {@code nl3.redis-password}, {@code nl3.redis-key-prefix}) and the core's
 * {@code nl3.store-timeout}. Each setting's own rule lives in its description; what concerns several of them (a user
 * without a password, a password given twice) is checked here, when the store opens, i.e. when the application
 * deploys; one {@link InvalidSettingsException} lists every problem. The password is never shown: not in an error,
 * not in {@link #toString()}, not in a log line (a password inside the URI is masked the same way).
 */
public final class RedisSettings {
    static final String MASK = "****";
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*):[^@/?#]*@");
    private static final Pattern PREFIX_FORM = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final String EXPECTED = "; expected redis://host:port/db, or rediss://host:port/db for TLS, e.g. redis://redis.internal:6379/0";

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

    /** The library's settings, with {@code nl3.store=redis}: what the store opens with. */
    public static RedisSettings of(Nl3Settings settings) {
        return read(name -> {
            for (Setting<?> s : RedisStoreFactory.SETTINGS) {
                if (s.name().equals(name)) {
                    Object v = settings.get(s);
                    return v == null ? null : v.toString();
                }
            }
            return null;
        }, settings.storeTimeout());
    }

    /**
     * Reads this module's settings through {@code lookup} (a setting's name, e.g. {@code nl3.redis-uri}, to its text,
     * or {@code null} when it is not set), each by its description in {@link RedisStoreFactory}: for code that opens
     * the store itself ({@link RedisKeyValueStore#open(RedisSettings)}).
     *
     * @param timeout {@code nl3.store-timeout}: connect, read and waiting for a pooled connection, each call within it
     * @throws InvalidSettingsException every problem at once
     */
    public static RedisSettings read(Function<String, String> lookup, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<String> problems = new ArrayList<>();
        // Read even when it has problems of its own: what it carries besides may conflict with the other settings.
        String rawUri = RedisStoreFactory.URI_SETTING.read(lookup.apply(RedisStoreFactory.URI_SETTING.name()), problems);
        RedisStoreFactory.URI_SETTING.check(rawUri, problems);
        String user = value(RedisStoreFactory.USER, lookup, problems);
        String password = value(RedisStoreFactory.PASSWORD, lookup, problems);
        String prefix = value(RedisStoreFactory.KEY_PREFIX, lookup, problems);
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            problems.add("nl3.store-timeout: " + timeout + "; expected a positive duration");
        }
        String uriName = RedisStoreFactory.URI_SETTING.name();
        String userName = RedisStoreFactory.USER.name();
        String passwordName = RedisStoreFactory.PASSWORD.name();
        Uri uri = null;
        if (rawUri == null) {
            problems.add(uriName + ": missing" + EXPECTED + " (also NL3_REDIS_URI)");
        } else {
            uri = parse(rawUri, new ArrayList<>());
            String shown = masked(rawUri);
            if (uri != null && uri.user() != null) {
                if (user != null && !user.equals(uri.user())) {
                    problems.add(uriName + ": '" + shown + "' names user " + uri.user() + " but " + userName + " is " + user
                            + "; name the user once");
                }
                user = uri.user();
            }
            if (uri != null && uri.password() != null) {
                if (password != null) {
                    problems.add(uriName + ": '" + shown + "' carries a password and " + passwordName
                            + " is set too; give the password once, preferably in " + passwordName);
                }
                password = uri.password();
            }
        }
        if (user != null && password == null) {
            problems.add(userName + ": " + user + " is set without " + passwordName + "; an ACL user signs in with a password");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return new RedisSettings(uri.tls(), uri.host(), uri.port(), uri.database(), user, password, prefix, timeout);
    }

    /** A setting's value by its description: parsed and checked, its default when not set; {@code null} after a problem. */
    private static String value(Setting<String> setting, Function<String, String> lookup, List<String> problems) {
        int before = problems.size();
        String v = setting.read(lookup.apply(setting.name()), problems);
        if (problems.size() == before) {
            setting.check(v, problems);
        }
        return problems.size() == before ? v : null;
    }

    /** What a {@code nl3.redis-uri} names; {@code user} and {@code password} {@code null} when it names none. */
    private record Uri(boolean tls, String host, int port, int database, String user, String password) {
    }

    /**
     * The problems of a {@code nl3.redis-uri} on its own, without the setting's name, joined (one problem per setting);
     * {@code null} when it has none. The password inside it is masked.
     */
    static String uriProblem(String raw) {
        if (raw == null) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        parse(raw, problems);
        return problems.isEmpty() ? null : String.join("; and ", problems);
    }

    /** {@code nl3.redis-key-prefix}'s rule, without the setting's name; {@code null} when it is allowed. */
    static String prefixProblem(String prefix) {
        return prefix == null || PREFIX_FORM.matcher(prefix).matches() ? null : "'" + printable(prefix) + "'; expected up to 128 "
                + "visible ASCII characters, no spaces, e.g. nl3:ops-console: (put before every key, so several applications "
                + "share one Redis)";
    }

    /**
     * Reads {@code raw}, adding each problem (without the setting's name) to {@code problems}; what it names, as far as
     * it could be read, or {@code null} when it names no Redis at all.
     */
    private static Uri parse(String raw, List<String> problems) {
        String shown = masked(raw);
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            // Not e.getMessage(): it repeats the input, password and all.
            problems.add("'" + shown + "' is not a URI" + EXPECTED);
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
            problems.add("'" + shown + "' " + (scheme == null ? "has no scheme" : "has scheme " + scheme) + EXPECTED
                    + " (Sentinel and Cluster URIs are not supported: name the primary)");
            return null;
        }
        if (uri.getHost() == null) {
            problems.add("'" + shown + "' has no host" + EXPECTED);
            return null;
        }
        int port = 6379;
        int database = 0;
        if (uri.getPort() != -1) {
            port = uri.getPort();
            if (port < 1 || port > 65535) {
                problems.add("'" + shown + "' has port " + port + "; expected 1 – 65535");
            }
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String db = path.substring(1);
            if (db.matches("\\d{1,6}")) {
                database = Integer.parseInt(db);
            } else {
                problems.add("'" + shown + "' names database '" + printable(db) + "'; expected a database number after the port, e.g. /0");
            }
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problems.add("'" + shown + "' has a query or fragment" + EXPECTED + " (timeouts come from nl3.store-timeout)");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String uriUser = decode(colon < 0 ? info : info.substring(0, colon));
            String uriPassword = colon < 0 ? null : decode(info.substring(colon + 1));
            user = uriUser.isEmpty() ? null : uriUser;
            password = uriPassword == null || uriPassword.isEmpty() ? null : uriPassword;
        }
        return new Uri(scheme.equals("rediss"), uri.getHost(), port, database, user, password);
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
        String problem = prefixProblem(prefix == null ? "" : prefix);
        if (problem != null) {
            throw new InvalidSettingsException(List.of(RedisStoreFactory.KEY_PREFIX.name() + ": " + problem));
        }
        return new RedisSettings(tls, host, port, database, user, password, prefix, timeout);
    }

    @Override
    public String toString() {
        return "RedisSettings[" + address() + ", user=" + (user == null ? "default" : user) + ", password="
                + (password == null ? "none" : MASK) + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout + "]";
    }
}
