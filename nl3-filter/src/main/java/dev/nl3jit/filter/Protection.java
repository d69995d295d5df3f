package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.web.RequestGuard;
import dev.nl3jit.filter.internal.settings.SettingsTable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one protected resource asks for: the template's approval key, who approves, the metadata sent along
 * (static values, and request parameters copied under a metadata name), how long an approval lasts and what it
 * unlocks. Immutable; made by {@link #builder(String)}, from annotation values by
 * {@link #of(Nl3Settings, String, String[], String[], String[], String, GrantScope)}, or from the settings by
 * {@link Nl3Approvals#protection(String)}.
 */
public final class Protection {
    /**
     * The stored code of {@link Uses#auto()}.
     *
     * @deprecated use {@link Uses#auto()}
     */
    @Deprecated
    public static final int USES_AUTO = 0;
    /**
     * The stored code of {@link Uses#unlimited()}.
     *
     * @deprecated use {@link Uses#unlimited()}
     */
    @Deprecated
    public static final int USES_UNLIMITED = -1;

    private final String approvalKey;
    private final List<String> approvers;
    private final Map<String, String> metadata;
    private final Map<String, String> parameterMetadata;
    private final Duration grantDuration;
    private final GrantScope scope;
    private final Uses uses;
    private final Reason reason;
    /** The request attribute that says this key and scope were checked already (see {@code RequestGuard}). */
    private final String checkedAttribute;

    private Protection(Builder b) {
        List<String> problems = new java.util.ArrayList<>();
        if (b.approvalKey == null) {
            problems.add("approval key: missing; expected the template's Approval Key, e.g. ADMIN_ACCESS");
        } else {
            SettingsTable.APPROVAL_KEY.check(b.approvalKey, problems);
        }
        SettingsTable.GRANT_DURATION.check(b.grantDuration, problems);
        if (b.scope == null) {
            problems.add("scope: missing; expected key or request");
        }
        if (b.uses == null) {
            problems.add("uses: missing; expected auto, unlimited or a number of uses");
        }
        if (b.reason == null) {
            problems.add("reason: missing; expected none, optional or required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        this.approvalKey = b.approvalKey;
        this.approvers = List.copyOf(b.approvers);
        this.metadata = Map.copyOf(b.metadata);
        this.parameterMetadata = Map.copyOf(b.parameterMetadata);
        this.grantDuration = b.grantDuration;
        this.scope = b.scope;
        this.uses = b.uses;
        this.reason = b.reason;
        this.checkedAttribute = "dev.nl3jit.filter.RequestGuard.passed:" + approvalKey + ":" + scope;
    }

    public String checkedAttribute() {
        return checkedAttribute;
    }

    /** A protection for {@code approvalKey} with the settings table's defaults (15 minutes, scope key, no approvers). */
    public static Builder builder(String approvalKey) {
        return new Builder(approvalKey);
    }

    /** A builder that starts from this protection. */
    public Builder toBuilder() {
        Builder b = new Builder(approvalKey);
        b.approvers = approvers;
        b.metadata = new LinkedHashMap<>(metadata);
        b.parameterMetadata = new LinkedHashMap<>(parameterMetadata);
        b.grantDuration = grantDuration;
        b.scope = scope;
        b.uses = uses;
        b.reason = reason;
        return b;
    }

    /**
     * A protection from annotation-style values ({@link RequiresApproval}, the CDI binding), with gaps filled from
     * the settings. Every value goes through the same rules as the settings.
     *
     * @param approvers     empty: the settings' approvers
     * @param metadata      {@code "key=value"} each, added to the settings' metadata
     * @param parameters    {@code "name"} or {@code "name=metadataKey"}: request parameters copied into metadata
     * @param grantDuration e.g. {@code "30m"}; empty: the settings' grant duration
     * @throws IllegalArgumentException saying which value is wrong
     */
    public static Protection of(Nl3Settings settings, String approvalKey, String[] approvers, String[] metadata,
            String[] parameters, String grantDuration, GrantScope scope) {
        return of(settings, approvalKey, approvers, metadata, parameters, grantDuration, scope, "", Reason.NONE);
    }

    /**
     * As {@link #of(Nl3Settings, String, String[], String[], String[], String, GrantScope)}, with how many uses a
     * grant has ({@code "auto"}, {@code "unlimited"}, a number; empty: {@code nl3.grant-uses}) and whether the user
     * types a reason.
     */
    public static Protection of(Nl3Settings settings, String approvalKey, String[] approvers, String[] metadata,
            String[] parameters, String grantDuration, GrantScope scope, String uses, Reason reason) {
        // The same parsers and checks as nl3.metadata, nl3.parameters, nl3.grant-duration and nl3.grant-uses.
        Map<String, String> meta = new LinkedHashMap<>(settings.metadata());
        for (String pair : metadata) {
            Map.Entry<String, String> e = parsed("metadata ", SettingsTable::pair, pair);
            meta.put(e.getKey(), e.getValue());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : parameters) {
            Map.Entry<String, String> e = parsed("parameters ", SettingsTable::parameter, p);
            params.put(e.getKey(), e.getValue());
        }
        Duration grant = grantDuration == null || grantDuration.isBlank() ? settings.grantDuration()
                : parsed("grantDuration ", SettingsTable.GRANT_DURATION::parseChecked, grantDuration);
        Uses grantUses = uses == null || uses.isBlank() ? settings.grantUses()
                : parsed("uses ", SettingsTable.GRANT_USES::parseChecked, uses);
        Builder b = builder(approvalKey).approvers(approvers.length > 0 ? List.of(approvers) : settings.approvers())
                .metadata(meta).grantDuration(grant).scope(scope).uses(grantUses).reason(reason);
        b.parameterMetadata = params;
        return b.build();
    }

    /** {@code parser}'s value of {@code text}, or its problem prefixed with the value's name. */
    private static <T> T parsed(String what, Setting.Parser<T> parser, String text) {
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + e.getMessage());
        }
    }

    /** The protection the filter's own settings describe. */
    static Protection of(Nl3Settings s) {
        return of(s, s.approvalKey());
    }

    /**
     * The protection the settings describe, under {@code approvalKey}: the same approvers, metadata, parameters, grant
     * duration, scope, uses and reason as the filter's, so a check from code and the filter decide alike.
     */
    static Protection of(Nl3Settings s, String approvalKey) {
        return builder(approvalKey).approvers(s.approvers()).metadata(s.metadata()).parameters(s.parameters())
                .grantDuration(s.grantDuration()).scope(s.grantScope()).uses(s.grantUses()).reason(s.reason()).build();
    }

    public String approvalKey() {
        return approvalKey;
    }

    /** Who is asked; empty: the template's default approvers. */
    public List<String> approvers() {
        return approvers;
    }

    /** Static metadata sent with the approval request. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Request parameter name → metadata name: values copied from the request into the approval request. */
    public Map<String, String> parameterMetadata() {
        return parameterMetadata;
    }

    public Duration grantDuration() {
        return grantDuration;
    }

    /**
     * What an approval covers: {@link GrantScope#KEY} every request under the approval key for the grant's duration;
     * {@link GrantScope#REQUEST} only the same method, path and values of the {@link #parameterMetadata()}
     * parameters (a digest of the exact values the approver saw).
     */
    public GrantScope scope() {
        return scope;
    }

    /** How many requests one approval lets through. */
    public Uses uses() {
        return uses;
    }

    /** Whether the user types a reason before the request is sent. */
    public Reason reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Protection p && approvalKey.equals(p.approvalKey) && approvers.equals(p.approvers)
                && metadata.equals(p.metadata) && parameterMetadata.equals(p.parameterMetadata)
                && grantDuration.equals(p.grantDuration) && scope == p.scope && uses.equals(p.uses) && reason == p.reason;
    }

    @Override
    public int hashCode() {
        return Objects.hash(approvalKey, approvers, metadata, parameterMetadata, grantDuration, scope, uses, reason);
    }

    @Override
    public String toString() {
        return "Protection[" + approvalKey + ", " + scope + ", " + SettingsTable.format(grantDuration) + ", uses " + uses + "]";
    }

    /** Builds a {@link Protection}; {@link #build()} checks the values with the settings' rules. */
    public static final class Builder {
        private final String approvalKey;
        private List<String> approvers = List.of();
        private Map<String, String> metadata = new LinkedHashMap<>();
        private Map<String, String> parameterMetadata = new LinkedHashMap<>();
        private Duration grantDuration = SettingsTable.GRANT_DURATION.defaultValue();
        private GrantScope scope = SettingsTable.GRANT_SCOPE.defaultValue();
        private Uses uses = SettingsTable.GRANT_USES.defaultValue();
        private Reason reason = Reason.NONE;

        private Builder(String approvalKey) {
            this.approvalKey = approvalKey;
        }

        public Builder approvers(List<String> value) {
            this.approvers = List.copyOf(value);
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            this.metadata = new LinkedHashMap<>(value);
            return this;
        }

        /** Adds metadata (replacing values of the same keys). */
        public Builder addMetadata(Map<String, String> value) {
            this.metadata.putAll(value);
            return this;
        }

        public Builder grantDuration(Duration value) {
            this.grantDuration = value;
            return this;
        }

        public Builder scope(GrantScope value) {
            this.scope = value;
            return this;
        }

        /** {@link Uses#auto()} (the default), {@link Uses#unlimited()} or {@link Uses#of(int) a count}. */
        public Builder uses(Uses value) {
            this.uses = value;
            return this;
        }

        /**
         * {@code 0} auto, {@code -1} unlimited, else a count.
         *
         * @deprecated use {@link #uses(Uses)}
         * @throws IllegalArgumentException for any other number
         */
        @Deprecated
        public Builder uses(int value) {
            return uses(Uses.fromCode(value));
        }

        public Builder reason(Reason value) {
            this.reason = value;
            return this;
        }

        /**
         * Request parameters (or, in the CDI interceptor, JAX-RS-named arguments) copied into metadata, and bound by a
         * request-scoped grant: parameter name to metadata name.
         */
        public Builder parameters(Map<String, String> value) {
            this.parameterMetadata = new LinkedHashMap<>(value);
            return this;
        }

        /** @throws IllegalArgumentException naming every bad value */
        public Protection build() {
            return new Protection(this);
        }
    }
}
