package dev.nl3jit.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the sandbox for people: {@code --port} (default 8089), {@code --host} (default 127.0.0.1),
 * {@code --seed file.json} (default: the built-in demo seed). Prints the console URL and what a client
 * needs; stops on Ctrl-C.
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Sandbox.Builder builder = Sandbox.builder().port(8089);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--port" -> {
                    builder.port(parsePort(value));
                    i++;
                }
                case "--host" -> {
                    builder.host(require(arg, value));
                    i++;
                }
                case "--seed" -> {
                    builder.seed(Seed.load(Path.of(require(arg, value))));
                    i++;
                }
                case "--help", "-h" -> {
                    usage(System.out);
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + arg);
                    usage(System.err);
                    System.exit(2);
                }
            }
        }
        Sandbox sandbox = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "nl3-sandbox-shutdown"));
        System.out.print(banner(sandbox));
        System.out.flush();
        stopped.await();
    }

    /** The lines printed at start: console, API base URL, issuer, audience, the demo key. */
    static String banner(Sandbox sandbox) {
        return "NL3 sandbox running\n"
                + "  approver console : " + sandbox.consoleUri() + "\n"
                + "  NL3 API base URL : " + sandbox.baseUri() + "   (NL3_API_BASE_URL)\n"
                + "  issuer (iss)     : " + sandbox.issuer() + "   (NL3_APP_URI)\n"
                + "  audience (aud)   : " + sandbox.audience() + "   (NL3_API_HOST)\n"
                + "  signing key      : " + sandbox.signingKey() + "   (NL3_SIGNING_KEY; a demo key, never a real one)\n"
                + "  admin API        : " + sandbox.baseUri() + "/sandbox/api/\n"
                + "Press Ctrl-C to stop.\n";
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(require("--port", value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port takes a number 0-65535, got " + value);
        }
    }

    private static String require(String arg, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(arg + " needs a value");
        }
        return value;
    }

    private static void usage(PrintStream out) {
        out.println("usage: SandboxMain [--port 8089] [--host 127.0.0.1] [--seed seed.json]");
    }
}
