package dev.nl3jit.filter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reading a body with a cap: answers and kept requests are never read beyond what they may hold. */
final class Streams {
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
}
