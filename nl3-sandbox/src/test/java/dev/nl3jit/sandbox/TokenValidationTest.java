package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenValidationTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private static final String CHECK = "/nl3/api/v1/accountProtectionCheck";

    record Bad(String name, Function<Instant, String> token, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Bad> badTokens() {
        return List.of(
                new Bad("no token", now -> null, "missing token"),
                new Bad("Bearer prefix", now -> "Bearer " + Tokens.valid("alice", now), "without the 'Bearer ' prefix"),
                new Bad("not a JWS", now -> "abc.def", "three dot-separated Base64url parts"),
                new Bad("header not Base64url", now -> "!!!." + Tokens.valid("alice", now).split("\\.", 2)[1],
                        "header is not Base64url"),
                new Bad("header not JSON", now -> Tokens.raw("not json", "{}", "sig"), "header is not a JSON object"),
                new Bad("payload not JSON", now -> Tokens.raw("{\"alg\":\"HS256\"}", "[1,2", "sig"),
                        "payload is not a JSON object"),
                new Bad("header without alg", now -> Tokens.raw("{\"typ\":\"JWT\"}", "{}", "sig"), "header has no alg"),
                new Bad("alg none", now -> Tokens.raw("{\"alg\":\"none\"}", Tokens.claims("alice", now).toJson(), ""),
                        "algorithm not allowed: none"),
                new Bad("alg RS256", now -> Tokens.raw("{\"alg\":\"RS256\"}", Tokens.claims("alice", now).toJson(), "c2ln"),
                        "algorithm not allowed: RS256"),
                new Bad("alg HS512", now -> Tokens.sign(Tokens.claims("alice", now), Tokens.DEMO_KEY,
                        AlgorithmIdentifiers.HMAC_SHA512, Map.of()), "algorithm not allowed: HS512"),
                new Bad("crit header", now -> Tokens.sign(Tokens.claims("alice", now), Tokens.DEMO_KEY,
                        AlgorithmIdentifiers.HMAC_SHA256, Map.of("crit", List.of("exp"))), "(crit) are not supported"),
                new Bad("no iss", now -> signed(now, c -> c.unsetClaim("iss")), "missing issuer"),
                new Bad("unknown iss", now -> signed(now, c -> c.setIssuer("evil.example")), "unknown issuer: evil.example"),
                new Bad("wrong key", now -> Tokens.sign(Tokens.claims("alice", now),
                        "another-key-another-key-another-k".getBytes(StandardCharsets.UTF_8),
                        AlgorithmIdentifiers.HMAC_SHA256, Map.of()), "bad signature"),
                new Bad("no aud", now -> signed(now, c -> c.unsetClaim("aud")), "missing audience"),
                new Bad("wrong aud", now -> signed(now, c -> c.setAudience("api.example.org")), "wrong audience"),
                new Bad("no exp", now -> signed(now, c -> c.unsetClaim("exp")), "missing expiration"),
                new Bad("exp not a number", now -> signed(now, c -> c.setClaim("exp", "tomorrow")),
                        "exp must be a NumericDate"),
                new Bad("expired", now -> signed(now, c -> c.setClaim("exp", now.getEpochSecond() - 61)), "token expired at"),
                new Bad("not yet valid", now -> signed(now, c -> c.setClaim("nbf", now.getEpochSecond() + 120)),
                        "token not yet valid"),
                new Bad("issued in the future", now -> signed(now, c -> c.setClaim("iat", now.getEpochSecond() + 120)),
                        "token issued in the future"),
                new Bad("no sub", now -> signed(now, c -> c.unsetClaim("sub")), "missing subject"),
                new Bad("lives longer than 1 h", now -> signed(now, c -> c.setClaim("exp", now.getEpochSecond() + 3601)),
                        "token lives too long"));
    }

    private static String signed(Instant now, java.util.function.Consumer<JwtClaims> change) {
        JwtClaims c = Tokens.claims("alice", now);
        change.accept(c);
        return Tokens.sign(c, Tokens.DEMO_KEY, AlgorithmIdentifiers.HMAC_SHA256, Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokenIsRefusedWithItsOwnMessage(Bad bad) {
        Http.Response r = new Http(nl3.sandbox().baseUri()).postJson(CHECK, bad.token().apply(Instant.now()), "{}");
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_token", r.json().get("error"));
        assertTrue(r.message().contains(bad.message()), () -> "message was: " + r.message());
    }

    @Test
    void everyBadTokenHasADistinctMessage() {
        Http http = new Http(nl3.sandbox().baseUri());
        Set<String> messages = new HashSet<>();
        Instant now = Instant.now();
        for (Bad bad : badTokens()) {
            String message = http.postJson(CHECK, bad.token().apply(now), "{}").message();
            // Strip the times, which differ; the wording must differ between cases.
            messages.add(message.replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "T"));
        }
        assertEquals(badTokens().size(), messages.size(), () -> "messages: " + messages);
        assertTrue(messages.size() >= 12);
    }

    @Test
    void keyUsedAsBase64TextInsteadOfDecodedBytesIsABadSignature() {
        String token = Tokens.sign(Tokens.claims("alice", Instant.now()),
                Seed.DEMO_SIGNING_KEY.getBytes(StandardCharsets.US_ASCII), AlgorithmIdentifiers.HMAC_SHA256, Map.of());
        Http.Response r = new Http(nl3.sandbox().baseUri()).postJson(CHECK, token, "{}");
        assertEquals(401, r.status());
        assertTrue(r.message().startsWith("bad signature"), r.message());
    }

    static Stream<Arguments> sampleShapedTokens() {
        long now = Instant.now().getEpochSecond();
        // njwt (Node sample): typ JWT, iat, jti, exp = +5 min, nbf = -1 min, aud without scheme.
        String njwt = Tokens.raw("{\"typ\":\"JWT\",\"alg\":\"HS256\"}",
                "{\"iss\":\"app.example.com\",\"aud\":\"api.nextlevel3.com\",\"sub\":\"alice\",\"jti\":\"6a1b\","
                        + "\"iat\":" + now + ",\"nbf\":" + (now - 60) + ",\"exp\":" + (now + 300) + "}", "");
        // PyJWT (Python sample): no iat, no jti, fractional NumericDates, aud with https://.
        String pyjwt = Tokens.raw("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"iss\":\"app.example.com\",\"aud\":\"https://api.nextlevel3.com\",\"sub\":\"alice\","
                        + "\"exp\":" + (now + 300) + ".25,\"nbf\":" + (now - 60) + ".5}", "");
        // Only the claims every sample sends, aud as an array, no typ.
        String minimal = Tokens.raw("{\"alg\":\"HS256\"}",
                "{\"iss\":\"APP.example.com\",\"aud\":[\"other\",\"api.nextlevel3.com\"],\"sub\":\"alice\",\"exp\":"
                        + (now + 300) + "}", "");
        // Expired 30 s ago: inside the 60 s leeway.
        String leeway = Tokens.raw("{\"alg\":\"HS256\"}",
                "{\"iss\":\"app.example.com\",\"aud\":\"api.nextlevel3.com\",\"sub\":\"alice\",\"exp\":" + (now - 30) + "}", "");
        return Stream.of(Arguments.of("njwt", resign(njwt)), Arguments.of("PyJWT", resign(pyjwt)),
                Arguments.of("minimal", resign(minimal)), Arguments.of("within leeway", resign(leeway)));
    }

    /** Signs header.payload with the demo key, as the samples sign with the decoded key bytes. */
    private static String resign(String unsigned) {
        try {
            String input = unsigned.substring(0, unsigned.lastIndexOf('.'));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(Tokens.DEMO_KEY, "HmacSHA256"));
            byte[] sig = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleShapedTokens")
    void sampleShapedTokensAreAccepted(String name, String token) {
        Http.Response r = new Http(nl3.sandbox().baseUri()).postJson(CHECK, token, "{}");
        assertEquals(200, r.status(), r.body());
        assertEquals(false, r.json().get("locked"));
    }

    @Test
    void callLogKeepsClaimsButNeverTheTokenOrKey() {
        String token = Tokens.valid("alice", Instant.now());
        new Http(nl3.sandbox().baseUri()).postJson(CHECK, token, "{}");
        Http.Response log = new Http(nl3.sandbox().baseUri()).get("/sandbox/api/log", null);
        assertEquals(200, log.status());
        assertTrue(log.body().contains("\"sub\":\"alice\""), log.body());
        assertFalse(log.body().contains(token.split("\\.")[2]), "signature leaked into the log");
        assertFalse(log.body().contains(Seed.DEMO_SIGNING_KEY), "key leaked into the log");
        Call call = nl3.sandbox().calls().get(0);
        assertEquals("alice", call.subject());
        assertEquals(200, call.status());
    }
}
