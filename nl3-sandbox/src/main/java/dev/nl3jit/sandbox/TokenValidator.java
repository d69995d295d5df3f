package dev.nl3jit.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Strict validation of the {@code x-nl3-authorization-token}, as the contract describes it: HS256 only,
 * no {@code crit}, key looked up by {@code iss}, {@code aud} equal to the configured host with or without
 * {@code https://}, {@code exp} and {@code nbf} checked with 60 s leeway, {@code sub} required, {@code exp - iat} at most 1 h. Every
 * refusal carries its own message.
 */
final class TokenValidator {
    /** The longest lifetime ({@code exp - iat}) a token may claim. */
    static final Duration MAX_LIFETIME = Duration.ofHours(1);
    static final Duration LEEWAY = Duration.ofSeconds(60);
    private static final int MAX_TOKEN_CHARS = 8192;

    /** The claims of a token that passed. */
    record Verified(String issuer, String subject, Map<String, Object> claims) {
    }

    /** A token refused, with the message that the 401 body carries and the claims, when they could be read. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Map<String, Object> claims;

        Rejected(String message, Map<String, Object> claims) {
            super(message, null, false, false);
            this.claims = claims;
        }

        Map<String, Object> claims() {
            return claims;
        }
    }

    private final Clock clock;
    private final String audience;
    private final Function<String, byte[]> keyByIssuer;

    TokenValidator(Clock clock, String audience, Function<String, byte[]> keyByIssuer) {
        this.clock = clock;
        this.audience = audience;
        this.keyByIssuer = keyByIssuer;
    }

    Verified validate(String token) throws Rejected {
        if (token == null || token.isBlank()) {
            throw new Rejected("missing token: send it in the x-nl3-authorization-token header", null);
        }
        token = token.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Rejected("malformed token: send it without the 'Bearer ' prefix", null);
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new Rejected("malformed token: longer than " + MAX_TOKEN_CHARS + " characters", null);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new Rejected("malformed token: expected a JWS in compact form (three dot-separated Base64url parts)", null);
        }
        Map<String, Object> header = decodeJson(parts[0], "header");
        Object alg = header.get("alg");
        if (!(alg instanceof String algName)) {
            throw new Rejected("malformed token: the header has no alg", null);
        }
        if (!AlgorithmIdentifiers.HMAC_SHA256.equals(algName)) {
            throw new Rejected("algorithm not allowed: " + algName + " (only HS256 is accepted)", null);
        }
        if (header.containsKey("crit")) {
            throw new Rejected("critical header parameters (crit) are not supported", null);
        }
        Map<String, Object> claims = decodeJson(parts[1], "payload");
        Object iss = claims.get("iss");
        if (!(iss instanceof String issuer) || issuer.isBlank()) {
            throw new Rejected("missing issuer: the iss claim must name the registered application FQDN", claims);
        }
        byte[] key = keyByIssuer.apply(issuer.toLowerCase(Locale.ROOT));
        if (key == null) {
            throw new Rejected("unknown issuer: " + issuer + " is not a registered application", claims);
        }
        if (parts[2].isEmpty() || !signatureValid(token, key)) {
            throw new Rejected("bad signature: the token was not signed with the application's decoded signing key", claims);
        }
        checkAudience(claims);
        Instant now = clock.instant();
        Double exp = numericDate(claims, "exp");
        if (exp == null) {
            throw new Rejected("missing expiration: the exp claim is required", claims);
        }
        if (now.isAfter(toInstant(exp).plus(LEEWAY))) {
            throw new Rejected("token expired at " + toInstant(exp) + " (now " + now + ", leeway 60 s)", claims);
        }
        Double nbf = numericDate(claims, "nbf");
        if (nbf != null && now.plus(LEEWAY).isBefore(toInstant(nbf))) {
            throw new Rejected("token not yet valid: nbf is " + toInstant(nbf) + " (now " + now + ", leeway 60 s)", claims);
        }
        Double iat = numericDate(claims, "iat");
        if (iat != null && now.plus(LEEWAY).isBefore(toInstant(iat))) {
            throw new Rejected("token issued in the future: iat is " + toInstant(iat) + " (now " + now + ")", claims);
        }
        if (iat != null && toInstant(exp).isAfter(toInstant(iat).plus(MAX_LIFETIME))) {
            throw new Rejected("token lives too long: exp - iat is more than 1 h (" + (long) (exp - iat) + " s)", claims);
        }
        Object sub = claims.get("sub");
        if (!(sub instanceof String subject) || subject.isBlank()) {
            throw new Rejected("missing subject: the sub claim must name the user", claims);
        }
        return new Verified(issuer, subject, claims);
    }

    private void checkAudience(Map<String, Object> claims) throws Rejected {
        Object aud = claims.get("aud");
        if (aud == null) {
            throw new Rejected("missing audience: the aud claim must be " + audience, claims);
        }
        if (aud instanceof String s) {
            if (audienceMatches(s)) {
                return;
            }
        } else if (aud instanceof Collection<?> list) {
            for (Object item : list) {
                if (item instanceof String s && audienceMatches(s)) {
                    return;
                }
            }
        }
        throw new Rejected("wrong audience: expected " + audience + " or https://" + audience + ", got " + aud, claims);
    }

    private boolean audienceMatches(String aud) {
        String a = aud.strip();
        return a.equalsIgnoreCase(audience) || a.equalsIgnoreCase("https://" + audience)
                || a.equalsIgnoreCase("https://" + audience + "/");
    }

    private static boolean signatureValid(String token, byte[] key) throws Rejected {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setProviderContext(new ProviderContext());
            jws.setCompactSerialization(token);
            jws.setKey(new HmacKey(key));
            jws.setDoKeyValidation(false);
            return jws.verifySignature();
        } catch (JoseException e) {
            throw new Rejected("malformed token: " + e.getMessage(), null);
        }
    }

    private Map<String, Object> decodeJson(String part, String what) throws Rejected {
        String json;
        try {
            json = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Rejected("malformed token: the " + what + " is not Base64url", null);
        }
        try {
            return Json.parseObject(json);
        } catch (BadRequest e) {
            throw new Rejected("malformed token: the " + what + " is not a JSON object", null);
        }
    }

    private static Double numericDate(Map<String, Object> claims, String name) throws Rejected {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n)) {
            throw new Rejected("malformed token: " + name + " must be a NumericDate (seconds since the epoch)", claims);
        }
        return n.doubleValue();
    }

    private static Instant toInstant(double seconds) {
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, (long) ((seconds - whole) * 1_000_000_000L));
    }
}
