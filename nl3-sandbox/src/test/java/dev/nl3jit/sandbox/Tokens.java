package dev.nl3jit.sandbox;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/** Mints test tokens with jose4j, the way NL3's samples do, and lets tests bend any part of them. */
final class Tokens {
    static final byte[] DEMO_KEY = Base64.getDecoder().decode(Seed.DEMO_SIGNING_KEY);

    private Tokens() {
    }

    /** A valid token for {@code sub}, issued now, as our client sends it. */
    static String valid(String sub, Instant now) {
        JwtClaims c = claims(sub, now);
        return sign(c, DEMO_KEY, AlgorithmIdentifiers.HMAC_SHA256, Map.of());
    }

    static JwtClaims claims(String sub, Instant now) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(Seed.DEMO_ISSUER);
        c.setAudience(Seed.DEFAULT_AUDIENCE);
        c.setSubject(sub);
        c.setClaim("iat", now.getEpochSecond());
        c.setClaim("nbf", now.getEpochSecond() - 60);
        c.setClaim("exp", now.getEpochSecond() + 300);
        c.setJwtId(UUID.randomUUID().toString());
        return c;
    }

    static String sign(JwtClaims claims, byte[] key, String alg, Map<String, Object> extraHeaders) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(alg);
            jws.setHeader("typ", "JWT");
            extraHeaders.forEach(jws::setHeader);
            jws.setKey(new HmacKey(key));
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Header and payload as given, any signature text. */
    static String raw(String headerJson, String payloadJson, String signature) {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        return enc.encodeToString(headerJson.getBytes()) + "." + enc.encodeToString(payloadJson.getBytes()) + "." + signature;
    }
}
