package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.nl3.Nl3Json;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints the {@code x-nl3-authorization-token} exactly as NL3 prescribes: HS256 over the decoded key,
 * header {@code {"alg":"HS256","typ":"JWT"}}, claims {@code iss}, {@code aud}, {@code sub}, {@code iat},
 * {@code nbf = iat - skew}, {@code exp = iat + ttl}, a random {@code jti}, plus configured custom claims.
 * A fresh token for every call; time comes from the injected clock. The compact serialization is built directly
 * (RFC 7515: base64url of the header and of the claims, joined by a dot, and the HMAC-SHA256 of that), with a copy of
 * one keyed {@link Mac} per token, so minting costs one HMAC and little else.
 */
public final class TokenMinter {
    private static final System.Logger LOG = System.getLogger(TokenMinter.class.getName());
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.UTF_8)) + ".";

    private final SecretKeySpec key;
    /** Keyed once and copied per token; {@code null} where the JDK's provider cannot copy a {@link Mac}. */
    private final Mac keyed;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Duration skew;
    private final Map<String, String> customClaims;
    private final Clock clock;

    public TokenMinter(Nl3Settings settings, Clock clock) {
        this.key = new SecretKeySpec(settings.signingKey().bytes(), "HmacSHA256");
        Mac mac = newMac(key);
        Mac copyable;
        try {
            mac.clone();
            copyable = mac;
        } catch (CloneNotSupportedException e) {
            // Some providers (e.g. hardware-backed ones) cannot copy a keyed Mac: key a new one per token instead.
            copyable = null;
        }
        this.keyed = copyable;
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.ttl = settings.tokenTtl();
        this.skew = settings.tokenSkew();
        this.customClaims = settings.tokenClaims();
        this.clock = clock;
        if (settings.signingKey().length() < 32) {
            LOG.log(Level.WARNING, "The NL3 signing key is {0} bytes; HS256 keys should be at least 32 bytes. "
                    + "It is accepted as NL3 accepts it, but ask NL3 for a longer key.", settings.signingKey().length());
        }
    }

    /** A token whose {@code sub} is {@code subject}. */
    public String mint(String subject) {
        return mint(subject, Map.of());
    }

    /** A token whose {@code sub} is {@code subject}, with extra custom claims for this call. */
    public String mint(String subject, Map<String, ?> extraClaims) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a token needs a subject");
        }
        long now = clock.millis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.putAll(customClaims);
        claims.putAll(extraClaims);
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        claims.put("iat", now);
        claims.put("nbf", now - skew.toSeconds());
        claims.put("exp", now + ttl.toSeconds());
        claims.put("jti", UUID.randomUUID().toString());
        String signingInput = HEADER + B64URL.encodeToString(Nl3Json.write(claims).getBytes(StandardCharsets.UTF_8));
        byte[] signature = mac().doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64URL.encodeToString(signature);
    }

    /** A copy of the keyed HMAC (cheaper than keying a new one, and safe for concurrent callers), or a new one. */
    private Mac mac() {
        if (keyed != null) {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                // copied once in the constructor, so never here
            }
        }
        return newMac(key);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }
}
