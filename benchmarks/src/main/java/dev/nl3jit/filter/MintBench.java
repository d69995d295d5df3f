package dev.nl3jit.filter;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One NL3 token, against its floor: a raw HMAC-SHA256 over an input of the token's size with a ready {@link Mac}.
 * Run with {@code -prof gc} to see the garbage per token.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MintBench {
    private TokenMinter minter;
    private Mac mac;
    private byte[] input;

    @Setup
    public void setUp() throws Exception {
        byte[] key = new byte[32];
        new java.util.Random(1).nextBytes(key);
        Nl3Settings settings = Nl3Settings.builder().signingKey(Base64.getEncoder().encodeToString(key))
                .appUri("app.example.com").build();
        minter = new TokenMinter(settings, Clock.systemUTC());
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String token = minter.mint("alice");
        input = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public String mint() {
        return minter.mint("alice");
    }

    @Benchmark
    public byte[] rawHmac() {
        return mac.doFinal(input);
    }
}
