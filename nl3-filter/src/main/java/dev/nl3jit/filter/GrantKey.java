package dev.nl3jit.filter;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a grant or a pending request belongs to: the NL3 username, the approval key and, for grants bound
 * to one request, the scope ({@code "GET /admin/users"}); the scope is empty for grants bound to the key.
 */
public record GrantKey(String user, String approvalKey, String scope) implements Serializable {
    public GrantKey {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(approvalKey, "approvalKey");
        scope = scope == null ? "" : scope;
    }
}
