package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Mints the {@code x-nl3-authorization-token} exactly as NL3 prescribes: HS256 over the decoded key,
 * header {@code {"alg":"HS256","typ":"JWT"}}, claims {@code iss}, {@code aud}, {@code sub}, {@code iat},
 * {@code nbf = iat - skew}, {@code exp = iat + ttl}, a random {@code jti}, plus configured custom claims.
 * A fresh token for every call; time comes from the injected clock.
 */
public final class TokenMinter {
    private static final System.Logger LOG = System.getLogger(TokenMinter.class.getName());

    private final HmacKey key;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Duration skew;
    private final Map<String, String> customClaims;
    private final Clock clock;

    TokenMinter(Nl3Settings settings, Clock clock) {
        this.key = new HmacKey(settings.signingKey().bytes());
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
        JwtClaims claims = new JwtClaims();
        customClaims.forEach(claims::setClaim);
        extraClaims.forEach(claims::setClaim);
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setNotBefore(NumericDate.fromSeconds(now - skew.toSeconds()));
        claims.setExpirationTime(NumericDate.fromSeconds(now + ttl.toSeconds()));
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the NL3 token: " + e.getMessage(), e);
        }
    }
}
