package dev.nl3jit.filter.internal.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reading a body with a cap: answers and kept requests are never read beyond what they may hold. */
public final class Streams {
    private Streams() {
    }

    /** All of {@code in}, or {@code null} as soon as it holds more than {@code maxBytes}. */
    static byte[] readAtMost(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > maxBytes) {
                return null;
            }
        }
        return out.toByteArray();
    }

    /**
     * Reads and drops a refused request's body, so the connection can serve the next request: {@code true} when it
     * ended within {@code maxBytes} (or was read already), {@code false} when it is longer or cannot be read (then the
     * connection should close).
     */
    public static boolean discard(jakarta.servlet.ServletRequest req, int maxBytes) {
        try {
            InputStream in = req.getInputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total > maxBytes) {
                    return false;
                }
            }
            return true;
        } catch (IllegalStateException e) {
            // Read already, through the reader or as form parameters.
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
