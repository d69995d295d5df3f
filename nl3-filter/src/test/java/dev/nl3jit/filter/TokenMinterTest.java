package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

class TokenMinterTest {
    private static final String KEY_B64 = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    private static Nl3Settings settings(String key, String... extra) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("nl3.signing-key", key, "nl3.app-uri", "https://app.example.com/",
                "nl3.approval-key", "ADMIN_ACCESS"));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return Nl3Settings.fromMap(m);
    }

    private static JwtConsumer consumer(byte[] key, Instant at) {
        return new JwtConsumerBuilder().setVerificationKey(new HmacKey(key)).setRelaxVerificationKeyValidation()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setExpectedIssuer("app.example.com").setExpectedAudience("api.nextlevel3.com").setRequireSubject()
                .setRequireExpirationTime().setRequireIssuedAt().setRequireNotBefore().setRequireJwtId()
                .setEvaluationTime(NumericDate.fromSeconds(at.getEpochSecond())).build();
    }

    @Test
    void mintsEveryClaimAsSpecified() throws Exception {
        TokenMinter minter = new TokenMinter(settings(KEY_B64), Clock.fixed(NOW, ZoneOffset.UTC));
        String token = minter.mint("alice");
        JwtClaims claims = consumer(Base64.getDecoder().decode(KEY_B64), NOW).processToClaims(token);
        assertEquals("app.example.com", claims.getIssuer());
        assertEquals(List.of("api.nextlevel3.com"), claims.getAudience());
        assertEquals("alice", claims.getSubject());
        assertEquals(NOW.getEpochSecond(), claims.getIssuedAt().getValue());
        assertEquals(NOW.getEpochSecond() - 60, claims.getNotBefore().getValue());
        assertEquals(NOW.getEpochSecond() + 300, claims.getExpirationTime().getValue());
        assertTrue(claims.getJwtId().matches("[0-9a-f-]{36}"));

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        assertEquals("HS256", jws.getAlgorithmHeaderValue());
        assertEquals("JWT", jws.getHeader("typ"));
        assertTrue(claims.getClaimValue("aud") instanceof String, "aud is a plain string as in NL3's samples");
    }

    @Test
    void signsWithTheDecodedKeyNotItsBase64Text() {
        String token = new TokenMinter(settings(KEY_B64), Clock.fixed(NOW, ZoneOffset.UTC)).mint("alice");
        assertThrows(InvalidJwtException.class,
                () -> consumer(KEY_B64.getBytes(StandardCharsets.US_ASCII), NOW).processToClaims(token));
    }

    @Test
    void lifetimeFollowsTtlAndSkewAndExpires() throws Exception {
        TokenMinter minter = new TokenMinter(settings(KEY_B64, "nl3.token-ttl", "2m", "nl3.token-skew", "10s"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        JwtClaims claims = consumer(Base64.getDecoder().decode(KEY_B64), NOW).processToClaims(minter.mint("bob"));
        assertEquals(NOW.getEpochSecond() + 120, claims.getExpirationTime().getValue());
        assertEquals(NOW.getEpochSecond() - 10, claims.getNotBefore().getValue());
        String token = minter.mint("bob");
        assertThrows(InvalidJwtException.class,
                () -> consumer(Base64.getDecoder().decode(KEY_B64), NOW.plusSeconds(121 + 31)).processToClaims(token));
    }

    @Test
    void freshTokenPerCallAndCustomClaims() throws Exception {
        TokenMinter minter = new TokenMinter(settings(KEY_B64, "nl3.token-claims", "tenant=ops, env=prod"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        String a = minter.mint("alice");
        String b = minter.mint("alice");
        assertNotEquals(a, b);
        JwtClaims claims = consumer(Base64.getDecoder().decode(KEY_B64), NOW).processToClaims(a);
        assertEquals("ops", claims.getClaimValue("tenant"));
        assertEquals("prod", claims.getClaimValue("env"));
        assertNotEquals(claims.getJwtId(), consumer(Base64.getDecoder().decode(KEY_B64), NOW).processToClaims(b).getJwtId());
    }

    @Test
    void shortKeysWork() throws Exception {
        String shortKey = Base64.getEncoder().encodeToString("short-key".getBytes(StandardCharsets.US_ASCII));
        TokenMinter minter = new TokenMinter(settings(shortKey), Clock.fixed(NOW, ZoneOffset.UTC));
        JwtClaims claims = consumer("short-key".getBytes(StandardCharsets.US_ASCII), NOW).processToClaims(minter.mint("alice"));
        assertEquals("alice", claims.getSubject());
    }

    @Test
    void wrappedBase64KeyIsAccepted() throws Exception {
        String wrapped = KEY_B64.substring(0, 20) + "\n  " + KEY_B64.substring(20);
        TokenMinter minter = new TokenMinter(settings(wrapped), Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals("alice", consumer(Base64.getDecoder().decode(KEY_B64), NOW).processToClaims(minter.mint("alice")).getSubject());
    }

    @Test
    void refusesAnEmptySubject() {
        TokenMinter minter = new TokenMinter(settings(KEY_B64), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> minter.mint(" "));
    }
}
