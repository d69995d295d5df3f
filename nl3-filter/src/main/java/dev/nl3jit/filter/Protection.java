package dev.nl3jit.filter;

import java.time.Duration;
import java.util.LinkedHashMap;
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

    /**
     * A protection from annotation-style values ({@link RequiresApproval}, the CDI binding), with gaps filled from
     * the settings.
     *
     * @param approvers     empty: the settings' approvers
     * @param metadata      {@code "key=value"} each, added to the settings' metadata
     * @param parameters    {@code "name"} or {@code "name=metadataKey"}: request parameters copied into metadata
     * @param grantDuration e.g. {@code "30m"}; empty: the settings' grant duration
     * @throws IllegalArgumentException saying which value is wrong
     */
    public static Protection of(Nl3Settings settings, String approvalKey, String[] approvers, String[] metadata,
            String[] parameters, String grantDuration, GrantScope scope) {
        Map<String, String> meta = new LinkedHashMap<>(settings.metadata());
        for (String pair : metadata) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("metadata '" + pair + "' must be key=value");
            }
            meta.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : parameters) {
            int eq = p.indexOf('=');
            String name = eq < 0 ? p.strip() : p.substring(0, eq).strip();
            String key = eq < 0 ? name : p.substring(eq + 1).strip();
            if (name.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("parameters '" + p + "' must be name or name=metadataKey");
            }
            params.put(name, key);
        }
        Duration grant = settings.grantDuration();
        if (grantDuration != null && !grantDuration.isBlank()) {
            grant = SettingsReader.parseDuration(grantDuration);
            if (grant == null || grant.isZero() || grant.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("grantDuration '" + grantDuration
                        + "' must be a duration such as 30m, between 1s and 7d");
            }
        }
        return new Protection(approvalKey, approvers.length > 0 ? List.of(approvers) : settings.approvers(), meta, params,
                grant, scope);
    }

    /** The protection the filter's own settings describe. */
    static Protection of(Nl3Settings s) {
        return new Protection(s.approvalKey(), s.approvers(), s.metadata(), Map.of(), s.grantDuration(), s.grantScope());
    }
}
