package dev.nl3jit.filter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one protected resource asks for: the template's approval key, who approves, the metadata sent
 * along (static values, and request parameters copied under a metadata name), how long an approval
 * lasts and what it unlocks.
 *
 * @param parameterMetadata request parameter name → metadata name
 */
public record Protection(String approvalKey, List<String> approvers, Map<String, String> metadata,
        Map<String, String> parameterMetadata, Duration grantDuration, GrantScope scope) {

    public Protection {
        if (approvalKey == null || !Nl3Settings.APPROVAL_KEY.matcher(approvalKey).matches()) {
            throw new IllegalArgumentException("approval key '" + approvalKey
                    + "' is not valid; expected letters, digits and _ . : - (e.g. ADMIN_ACCESS)");
        }
        approvers = List.copyOf(Objects.requireNonNullElse(approvers, List.of()));
        metadata = Map.copyOf(Objects.requireNonNullElse(metadata, Map.of()));
        parameterMetadata = Map.copyOf(Objects.requireNonNullElse(parameterMetadata, Map.of()));
        Objects.requireNonNull(grantDuration, "grantDuration");
        if (grantDuration.isNegative() || grantDuration.isZero()) {
            throw new IllegalArgumentException("grant duration must be positive");
        }
        Objects.requireNonNull(scope, "scope");
    }

    /** The protection the filter's own settings describe. */
    static Protection of(Nl3Settings s) {
        return new Protection(s.approvalKey(), s.approvers(), s.metadata(), Map.of(), s.grantDuration(), s.grantScope());
    }
}
