package dev.nl3jit.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the sandbox knows before the first call: the company, the registered applications, the users
 * and the approval templates. Read from JSON ({@link #parse(String)}) or taken from the built-in
 * demo seed ({@link #defaults()}); see {@code nl3-sandbox/README.md} for the format.
 */
public record Seed(String companyName, String audience, List<Application> applications, List<User> users,
        List<Template> templates) {

    /** A registered application: its FQDN (the tokens' {@code iss}) and its Base64 signing key. */
    public record Application(String issuer, String signingKey) {
        public Application {
            require(issuer != null && !issuer.isBlank(), "application issuer must be a non-empty FQDN");
            require(signingKey != null && !signingKey.isBlank(), "application " + issuer + ": signingKey is required");
            try {
                Base64.getDecoder().decode(signingKey.replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("application " + issuer + ": signingKey is not valid Base64");
            }
        }

        byte[] keyBytes() {
            return Base64.getDecoder().decode(signingKey.replaceAll("\\s", ""));
        }
    }

    /** A user: {@code locked} blocks them; {@code enrolled=false} means NL3 knows no protection for them. */
    public record User(String username, String email, boolean locked, boolean enrolled) {
        public User {
            require(username != null && !username.isBlank(), "user username must be non-empty");
        }
    }

    /** The two template types NL3 offers. */
    public enum ApprovalType {
        APPROVE, SIGN_AND_APPROVE
    }

    /**
     * An approval template, addressed by its approval key. {@code title} and {@code approvalData} may hold
     * {@code ${key}} placeholders filled from the request's metadata, then {@code defaults}, then the company.
     */
    public record Template(String approvalKey, ApprovalType type, String title, String approvalData,
            Map<String, String> defaults, List<String> approvers, Duration pendingTtl) {
        public Template {
            require(approvalKey != null && !approvalKey.isBlank(), "template approvalKey must be non-empty");
            require(type != null, "template " + approvalKey + ": type is required");
            title = title == null ? approvalKey : title;
            approvalData = approvalData == null ? "" : approvalData;
            defaults = Map.copyOf(defaults == null ? Map.of() : defaults);
            approvers = List.copyOf(approvers == null ? List.of() : approvers);
            pendingTtl = pendingTtl == null ? DEFAULT_TTL : pendingTtl;
            require(!pendingTtl.isNegative() && !pendingTtl.isZero(), "template " + approvalKey + ": pendingTtlSeconds must be > 0");
        }
    }

    /** The pending TTL of a template that names none. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    /** The audience the sandbox expects by default: NL3's API host. */
    public static final String DEFAULT_AUDIENCE = "api.nextlevel3.com";
    /** The issuer of the demo application in the default seed. */
    public static final String DEMO_ISSUER = "app.example.com";
    /** The demo application's signing key (32 bytes, Base64). For offline demos only, never for NL3. */
    public static final String DEMO_SIGNING_KEY = "c2FuZGJveC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Q=";

    public Seed {
        require(companyName != null && !companyName.isBlank(), "companyName must be non-empty");
        audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : stripScheme(audience);
        applications = List.copyOf(applications);
        users = List.copyOf(users);
        templates = List.copyOf(templates);
        unique(applications.stream().map(a -> a.issuer().toLowerCase(Locale.ROOT)).toList(), "application issuer");
        unique(users.stream().map(u -> u.username().toLowerCase(Locale.ROOT)).toList(), "username");
        unique(templates.stream().map(Template::approvalKey).toList(), "template approvalKey");
    }

    /** The demo seed: application {@value #DEMO_ISSUER}, users alice, bob, carol (locked), dave (not enrolled). */
    public static Seed defaults() {
        try (InputStream in = Seed.class.getResourceAsStream("default-seed.json")) {
            if (in == null) {
                throw new IllegalStateException("default-seed.json missing from the nl3-sandbox jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a seed file. */
    public static Seed load(Path file) throws IOException {
        try {
            return parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a seed from JSON; a bad seed is an {@link IllegalArgumentException} that says what is wrong. */
    public static Seed parse(String json) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (BadRequest e) {
            throw new IllegalArgumentException("seed: " + e.getMessage(), e);
        }
        try {
            List<Application> apps = new ArrayList<>();
            for (Map<String, Object> a : objects(root, "applications")) {
                apps.add(new Application(Json.optString(a, "issuer"), Json.optString(a, "signingKey")));
            }
            List<User> users = new ArrayList<>();
            for (Map<String, Object> u : objects(root, "users")) {
                users.add(new User(Json.optString(u, "username"), Json.optString(u, "email"),
                        bool(u, "locked", false), bool(u, "enrolled", true)));
            }
            List<Template> templates = new ArrayList<>();
            for (Map<String, Object> t : objects(root, "templates")) {
                String type = Json.optString(t, "type");
                ApprovalType parsedType;
                try {
                    parsedType = type == null ? ApprovalType.APPROVE
                            : ApprovalType.valueOf(type.strip().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("template " + Json.optString(t, "approvalKey")
                            + ": type must be APPROVE or SIGN_AND_APPROVE, got " + type);
                }
                Object ttl = t.get("pendingTtlSeconds");
                if (ttl != null && !(ttl instanceof Number)) {
                    throw new IllegalArgumentException("template pendingTtlSeconds must be a number");
                }
                templates.add(new Template(Json.optString(t, "approvalKey"), parsedType, Json.optString(t, "title"),
                        Json.optString(t, "approvalData"), Json.optStringMap(t, "defaults"),
                        Json.optStringList(t, "approvers"),
                        ttl == null ? null : Duration.ofSeconds(((Number) ttl).longValue())));
            }
            String company = Json.optString(root, "companyName");
            return new Seed(company == null ? "Example Corp" : company, Json.optString(root, "audience"), apps, users,
                    templates);
        } catch (BadRequest e) {
            throw new IllegalArgumentException("seed: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Map<String, Object> root, String name) {
        Object value = root.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Collection<?> items)) {
            throw new IllegalArgumentException("seed: '" + name + "' must be an array of objects");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("seed: '" + name + "' must be an array of objects");
            }
            out.add((Map<String, Object>) item);
        }
        return out;
    }

    private static boolean bool(Map<String, Object> map, String name, boolean fallback) {
        Object value = map.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("seed: '" + name + "' must be true or false");
        }
        return b;
    }

    static String stripScheme(String host) {
        String h = host.strip();
        if (h.regionMatches(true, 0, "https://", 0, 8)) {
            h = h.substring(8);
        }
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    private static void unique(List<String> names, String what) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            require(seen.add(n), "duplicate " + what + ": " + n);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
