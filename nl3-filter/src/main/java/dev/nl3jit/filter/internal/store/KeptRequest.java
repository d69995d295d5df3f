package dev.nl3jit.filter.internal.store;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A state-changing request kept on the server while it waits for approval, so that once approved it runs exactly
 * as it was sent (Send now): its method, its target inside the application, its content type and its body.
 *
 * @param target      path and query inside the application
 * @param contentType the body's media type, or {@code null}
 */
public record KeptRequest(String method, String target, String contentType, byte[] body) implements Serializable {
    public KeptRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        body = body == null ? new byte[0] : body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public int size() {
        return body.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeptRequest k && method.equals(k.method) && target.equals(k.target)
                && Objects.equals(contentType, k.contentType) && Arrays.equals(body, k.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, target, contentType, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "KeptRequest[" + method + " " + target + ", " + body.length + " bytes]";
    }
}
