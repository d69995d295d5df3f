// Mints an NL3 token for the sandbox's demo application, the way NL3's samples do.
// Usage: SUB=alice jshell --class-path "$CP" nl3-sandbox/mint-token.jsh
import org.jose4j.jws.*;
import org.jose4j.jwt.*;
import org.jose4j.keys.HmacKey;
var key = java.util.Base64.getDecoder().decode(System.getenv().getOrDefault("NL3_SIGNING_KEY", "c2FuZGJveC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Q="));
var claims = new JwtClaims();
claims.setIssuer(System.getenv().getOrDefault("NL3_APP_URI", "app.example.com"));
claims.setAudience(System.getenv().getOrDefault("NL3_API_HOST", "api.nextlevel3.com"));
claims.setSubject(System.getenv().getOrDefault("SUB", "alice"));
claims.setIssuedAtToNow(); claims.setNotBeforeMinutesInThePast(1); claims.setExpirationTimeMinutesInTheFuture(5); claims.setGeneratedJwtId();
var jws = new JsonWebSignature();
jws.setPayload(claims.toJson()); jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256); jws.setHeader("typ", "JWT");
jws.setKey(new HmacKey(key));
System.out.println(jws.getCompactSerialization());
/exit
