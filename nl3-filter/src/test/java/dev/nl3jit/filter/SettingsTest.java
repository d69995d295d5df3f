package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final String KEY = "c2FuZGJveC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Q=";

    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of("nl3.signing-key", KEY, "nl3.app-uri", "app.example.com"));
    }

    @Test
    void defaults() {
        Nl3Settings s = Nl3Settings.fromMap(minimal());
        assertEquals("app.example.com", s.issuer());
        assertEquals(URI.create("https://api.nextlevel3.com"), s.apiBaseUrl());
        assertEquals("api.nextlevel3.com", s.audience());
        assertEquals(Duration.ofMinutes(5), s.tokenTtl());
        assertEquals(Duration.ofSeconds(60), s.tokenSkew());
        assertNull(s.approvalKey());
        assertEquals(Duration.ofMinutes(15), s.grantDuration());
        assertEquals(GrantScope.KEY, s.grantScope());
        assertEquals(Duration.ofSeconds(1), s.pollInterval());
        assertEquals(Duration.ofMinutes(10), s.pendingTimeout());
        assertTrue(s.lockCheck());
        assertEquals(FailurePolicy.CLOSED, s.lockCheckFailure());
        assertEquals(FailurePolicy.CLOSED, s.approvalFailure());
        assertTrue(s.allowNotEnrolled());
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertEquals(Duration.ofSeconds(5), s.readTimeout());
        assertEquals("/nl3-approval", s.pendingPath());
        assertNull(s.pendingPage());
        assertEquals(65536, s.maxResponseBytes());
        assertTrue(s.autoRegister());
    }

    @Test
    void aStoreProviderOrUriWithoutAStoreThatUsesThemIsAProblem() {
        Map<String, String> m = minimal();
        m.put("nl3.store-uri", "classpath:hazelcast.xml");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m));
        assertEquals(List.of("nl3.store-uri: set, but nl3.store is memory, which uses no JCache provider or URI; set "
                + "nl3.store=jcache to share grants across nodes, or remove nl3.store-uri"), e.problems());
        m.put("nl3.store", "jcache");
        assertEquals("jcache", Nl3Settings.fromMap(m).store());
        m.remove("nl3.store-uri");
        m.remove("nl3.store");
        m.put("nl3.redis-uri", "redis://u:pw-9@redis.internal:6379/0");
        assertEquals(List.of("nl3.redis-uri: set, but nl3.store is memory, which uses no Redis; set nl3.store=redis (with "
                + "nl3-redis on the class path) to share grants across nodes, or remove nl3.redis-uri"),
                assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems());
        m.put("nl3.store", "redis");
        m.put("nl3.redis-password", "pw-10");
        assertEquals("redis", Nl3Settings.fromMap(m).store());
        assertFalse(Nl3Settings.fromMap(m).toString().contains("pw-"), "no Redis password in the settings' toString");
        m.put("nl3.redis-uri", "http://u:pw-9@redis.internal:6379/0");
        assertEquals(List.of("nl3.redis-uri: 'http://u:****@redis.internal:6379/0'; expected redis://host:port/db, or "
                + "rediss://host:port/db for TLS (nl3-redis)"),
                assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems());
        m.put("nl3.redis-uri", "redis://redis.internal:6379/0");
        m.put("nl3.store", "jcache");
        m.put("nl3.store", "Mem ory");
        assertTrue(assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems().get(0)
                .startsWith("nl3.store: 'mem ory'; expected memory, or jcache"), "a bad store name says what is expected");
    }

    @Test
    void apiHostDrivesBaseUrlAndAudience() {
        Map<String, String> m = minimal();
        m.put("nl3.api-host", "https://api.eu.nextlevel3.com/");
        m.put("nl3.app-uri", "https://ops.example.com");
        Nl3Settings s = Nl3Settings.fromMap(m);
        assertEquals(URI.create("https://api.eu.nextlevel3.com"), s.apiBaseUrl());
        assertEquals("api.eu.nextlevel3.com", s.audience());
        assertEquals("ops.example.com", s.issuer());
    }

    @Test
    void typedValues() {
        Map<String, String> m = minimal();
        m.put("nl3.approval-key", "ADMIN_ACCESS");
        m.put("nl3.approvers", "bob@example.com, carol@example.com");
        m.put("nl3.metadata", "team=ops, env=prod");
        m.put("nl3.grant-duration", "PT30M");
        m.put("nl3.poll-interval", "500ms");
        m.put("nl3.read-timeout", "3");
        m.put("nl3.grant-scope", "request");
        m.put("nl3.approval-failure", "OPEN");
        m.put("nl3.lock-check", "off");
        m.put("nl3.api-paths", "/api/, /rest/");
        m.put("nl3.methods", "post, get");
        Nl3Settings s = Nl3Settings.fromMap(m);
        assertEquals(java.util.Set.of("POST", "GET", "HEAD"), s.methods(), "GET brings HEAD; case does not matter");
        assertEquals(java.util.Set.of(), Nl3Settings.fromMap(minimal()).methods(), "default: every method");
        assertEquals(List.of("bob@example.com", "carol@example.com"), s.approvers());
        assertEquals(Map.of("team", "ops", "env", "prod"), s.metadata());
        assertEquals(Duration.ofMinutes(30), s.grantDuration());
        assertEquals(Duration.ofMillis(500), s.pollInterval());
        assertEquals(Duration.ofSeconds(3), s.readTimeout());
        assertEquals(GrantScope.REQUEST, s.grantScope());
        assertEquals(FailurePolicy.OPEN, s.approvalFailure());
        assertFalse(s.lockCheck());
        assertEquals(List.of("/api/", "/rest/"), s.apiPaths());
    }

    @Test
    void everyProblemIsListedWithNameValueAndExpectedForm() {
        Map<String, String> m = new HashMap<>();
        m.put("nl3.app-uri", "not a host!");
        m.put("nl3.connect-timeout", "2000");
        m.put("nl3.read-timeout", "soon");
        m.put("nl3.approval-failure", "maybe");
        m.put("nl3.approval-key", "bad key");
        m.put("nl3.api-base-url", "ftp://x");
        m.put("nl3.pending-path", "nl3");
        m.put("nl3.lock-check", "perhaps");
        m.put("nl3.methods", "POST, GET /admin");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m));
        String msg = e.getMessage();
        for (String expected : List.of("nl3.signing-key: missing", "nl3.app-uri: 'not a host!'",
                "nl3.connect-timeout: 2000s is out of range; expected between 100ms and 1m",
                "nl3.read-timeout: 'soon' is not a duration", "nl3.approval-failure: 'maybe'; expected one of closed, open",
                "nl3.approval-key: 'bad key'", "nl3.api-base-url: 'ftp://x'", "nl3.pending-path: 'nl3'",
                "nl3.lock-check: 'perhaps'; expected true or false",
                "nl3.methods: 'GET /admin'; expected HTTP methods, comma-separated")) {
            assertTrue(msg.contains(expected), () -> "missing <" + expected + "> in\n" + msg);
        }
        assertEquals(10, e.problems().size(), msg);
    }

    @Test
    void theKeyIsNeverEchoed() {
        Map<String, String> m = minimal();
        m.put("nl3.signing-key", "s3cr3t-not-base64!!");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m));
        assertTrue(e.getMessage().contains("nl3.signing-key: (value hidden) is not valid Base64"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
        assertFalse(Nl3Settings.fromMap(minimal()).toString().contains(KEY));
        assertFalse(SigningKey.fromBase64(KEY).toString().contains(KEY));
    }

    @Test
    void unknownSettingsAreRefusedWithASuggestion() {
        Map<String, String> m = minimal();
        m.put("nl3.aproval-key", "X");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m));
        assertTrue(e.getMessage().contains("nl3.aproval-key (map): unknown setting; did you mean nl3.approval-key?"),
                e.getMessage());
    }

    @Test
    void environmentNamesAndSampleFallbacks() {
        assertEquals("NL3_API_BASE_URL", Setting.envName("nl3.api-base-url"));
        assertEquals("NL3_SIGNING_KEY", Setting.envName("nl3.signing-key"));
        System.setProperty("nl3.app-uri", "from-system.example.com");
        try {
            Nl3Settings s = Nl3Settings.parse(SettingsReader.withSystemAndEnvironment(
                    name -> name.equals("nl3.signing-key") ? KEY : null));
            assertEquals("from-system.example.com", s.issuer());
            Nl3Settings primaryWins = Nl3Settings.parse(SettingsReader.withSystemAndEnvironment(
                    name -> switch (name) {
                        case "nl3.signing-key" -> KEY;
                        case "nl3.app-uri" -> "init-param.example.com";
                        default -> null;
                    }));
            assertEquals("init-param.example.com", primaryWins.issuer());
        } finally {
            System.clearProperty("nl3.app-uri");
        }
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(250), SettingsTable.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(5), SettingsTable.parseDuration("5m"));
        assertEquals(Duration.ofHours(2), SettingsTable.parseDuration("2h"));
        assertEquals(Duration.ofDays(1), SettingsTable.parseDuration("1d"));
        assertEquals(Duration.ofSeconds(30), SettingsTable.parseDuration("30"));
        assertEquals(Duration.ofSeconds(90), SettingsTable.parseDuration("PT1M30S"));
        assertNull(SettingsTable.parseDuration("-5s"));
        assertNull(SettingsTable.parseDuration("5 weeks"));
    }

    @Test
    void theBuilderAndTheAnnotationsGoThroughTheSameTable() {
        Nl3Settings s = Nl3Settings.builder().signingKey(KEY).appUri("https://app.example.com").grantDuration(Duration.ofMinutes(30))
                .build();
        assertEquals("app.example.com", s.issuer());
        assertEquals(Duration.ofMinutes(30), s.grantDuration());
        assertEquals(URI.create("https://api.nextlevel3.com"), s.apiBaseUrl());
        assertEquals("ADMIN_ACCESS", s.toBuilder().approvalKey("ADMIN_ACCESS").build().approvalKey());

        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> Nl3Settings.builder().appUri("app.example.com").pollInterval(Duration.ofMillis(10)).build());
        assertTrue(e.getMessage().contains("nl3.signing-key: missing"), e.getMessage());
        assertTrue(e.getMessage().contains("nl3.poll-interval: 10ms is out of range; expected between 200ms and 1m"), e.getMessage());
        assertEquals(2, e.problems().size(), e.getMessage());

        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> Protection.of(s, "ADMIN_ACCESS", new String[0], new String[0], new String[0], "8d", GrantScope.KEY));
        assertTrue(tooLong.getMessage().contains("8d is out of range; expected between 1s and 7d"), tooLong.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Protection.of(s, "ADMIN_ACCESS", new String[0], new String[0], new String[0], "0s", GrantScope.KEY));
        assertTrue(zero.getMessage().contains("expected between 1s and 7d"), zero.getMessage());
        IllegalArgumentException badKey = assertThrows(IllegalArgumentException.class,
                () -> Protection.builder("ADMIN ACCESS").build());
        assertTrue(badKey.getMessage().contains("'ADMIN ACCESS'; expected a template Approval Key"), badKey.getMessage());

        InvalidSettingsException typo = assertThrows(InvalidSettingsException.class,
                () -> Nl3Settings.builder().set("nl3.pol-interval", "1s"));
        assertTrue(typo.getMessage().contains("did you mean nl3.poll-interval?"), typo.getMessage());
    }

    @Test
    void everySettingIsInTheTableOnceWithAWorkingDefault() {
        assertEquals(SettingsTable.ALL.size(), SettingsTable.NAMES.size());
        for (Setting<?> setting : SettingsTable.ALL) {
            assertTrue(setting.name().startsWith("nl3."), setting.name());
            setting.defaultValue(); // parses, or there is none
        }
    }

    @Test
    void theReadmeAndTheFilterJavadocListEverySetting() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        String javadoc = java.nio.file.Files.readString(
                java.nio.file.Path.of("src/main/java/dev/nl3jit/filter/Nl3ApprovalFilter.java"));
        for (Setting<?> setting : SettingsTable.ALL) {
            assertTrue(readme.contains("| `" + setting.name() + "` |"), setting.name() + " is missing from the README's table");
            assertTrue(javadoc.contains("<tr><td>{@code " + setting.name() + "}</td>"), setting.name() + " is missing from the Javadoc");
        }
    }
}
