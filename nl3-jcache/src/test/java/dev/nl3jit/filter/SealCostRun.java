package dev.nl3jit.filter;

import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * What the seal itself costs, without any cache: nanoseconds to check a stored grant (the grant path's one check per
 * request), to check a stored ticket with a kept body of about 1 KB, and to seal a grant (a counted grant's use writes
 * one). Median (min–max) of {@code rounds} rounds of {@code ops} operations after one warm-up round; one thread. Not a
 * test: {@code benchmarks/grant-path-store.sh} prints it.
 */
public final class SealCostRun {
    private SealCostRun() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        Seal seal = new Seal("a seal key of the run, 32 bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Seal.Name grants = Seal.Name.of("ops-console.grants", false);
        Seal.Name pending = Seal.Name.of("ops-console.pending", true);
        String grantKey = "5:alice12:ADMIN_ACCESS0:";
        String grant = seal.seal(grants, grantKey, "2026-01-01T10:15:00Z|-1");
        String ticket = "AbCdEfGh.0123456789abcdefghijklmnopqrstuvwxyzAB";
        String ticketValue = seal.seal(pending, ticket, "{\"v\":1,\"ticket\":\"" + ticket + "\",\"kept\":{\"body\":\""
                + "x".repeat(1000) + "\"}}");
        String[] names = {"check a stored grant", "check a stored ticket (1 KB)", "seal a grant"};
        IntSupplier[] all = {
            () -> seal.open(grants, grantKey, grant).length(),
            () -> seal.open(pending, ticket, ticketValue).length(),
            () -> seal.seal(grants, grantKey, "2026-01-01T10:15:00Z|3").length()};
        System.out.println("| seal operation | ns/op |");
        System.out.println("|---|---|");
        long sink = 0;
        for (int o = 0; o < all.length; o++) {
            double[] ns = new double[rounds];
            for (int r = -1; r < rounds; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    sink += all[o].getAsInt();
                }
                if (r >= 0) {
                    ns[r] = (System.nanoTime() - t) / (double) ops;
                }
            }
            Arrays.sort(ns);
            System.out.printf("| %s | %.0f (%.0f–%.0f) |%n", names[o], ns[rounds / 2], ns[0], ns[rounds - 1]);
        }
        System.out.println("(" + rounds + " rounds of " + ops + " operations after a warm-up round, one thread; " + (sink > 0 ? "" : "!") + ")");
    }
}
