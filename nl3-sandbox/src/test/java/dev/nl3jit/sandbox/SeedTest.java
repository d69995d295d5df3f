package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedTest {
    @Test
    void defaultSeedHasTheDemoWorld() {
        Seed seed = Seed.defaults();
        assertEquals("api.nextlevel3.com", seed.audience());
        assertEquals(Seed.DEMO_ISSUER, seed.applications().get(0).issuer());
        assertEquals(32, seed.applications().get(0).keyBytes().length);
        assertTrue(seed.users().stream().anyMatch(u -> u.username().equals("carol") && u.locked()));
        assertTrue(seed.users().stream().anyMatch(u -> u.username().equals("dave") && !u.enrolled()));
        Map<String, Seed.Template> t = Map.of(seed.templates().get(0).approvalKey(), seed.templates().get(0),
                seed.templates().get(1).approvalKey(), seed.templates().get(1));
        assertEquals(Seed.ApprovalType.APPROVE, t.get("ADMIN_ACCESS").type());
        assertEquals(Seed.ApprovalType.SIGN_AND_APPROVE, t.get("PAYMENT_APPROVAL").type());
        assertEquals(Duration.ofMinutes(10), t.get("ADMIN_ACCESS").pendingTtl());
    }

    @Test
    void demoTemplatesPutTheLibrarysLineFirstAndEachValueOnItsOwnLabelledLine() {
        for (Seed.Template t : Seed.defaults().templates()) {
            String[] lines = t.approvalData().split("\n", -1);
            assertEquals("Approval covers: ${covers}", lines[0], t.approvalKey());
            for (int i = 1; i < lines.length; i++) {
                assertTrue(lines[i].matches("[A-Z][a-z]+: \\$\\{[A-Za-z]+}( (at )?\\$\\{[A-Za-z]+})?"),
                        t.approvalKey() + " line " + (i + 1) + ": " + lines[i]);
            }
        }
    }

    @Test
    void parsesTypesLeniently() {
        Seed seed = Seed.parse("{\"companyName\":\"ACME\",\"audience\":\"https://nl3.test/\",\"applications\":[{\"issuer\":\"a.test\","
                + "\"signingKey\":\"c2Vj\\ncmV0\"}],\"templates\":[{\"approvalKey\":\"K\",\"type\":\"Sign and Approve\","
                + "\"approvers\":[\"x\"],\"pendingTtlSeconds\":30}]}");
        assertEquals("nl3.test", seed.audience());
        assertEquals(Seed.ApprovalType.SIGN_AND_APPROVE, seed.templates().get(0).type());
        assertEquals(Duration.ofSeconds(30), seed.templates().get(0).pendingTtl());
        assertEquals("secret", new String(seed.applications().get(0).keyBytes()));
    }

    @Test
    void badSeedsSayWhatIsWrong() {
        assertMessage("{\"applications\":{}}", "'applications' must be an array");
        assertMessage("{\"applications\":[{\"issuer\":\"a\",\"signingKey\":\"%%%\"}]}", "not valid Base64");
        assertMessage("{\"templates\":[{\"approvalKey\":\"K\",\"type\":\"MAYBE\"}]}", "type must be APPROVE or SIGN_AND_APPROVE");
        assertMessage("{\"users\":[{\"username\":\"a\"},{\"username\":\"A\"}]}", "duplicate username");
        assertMessage("{\"templates\":[{\"approvalKey\":\"K\",\"pendingTtlSeconds\":0}]}", "pendingTtlSeconds must be > 0");
        assertMessage("[", "seed:");
    }

    private static void assertMessage(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seed.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void bannerPrintsWhatAClientNeeds() {
        try (Sandbox s = Sandbox.builder().start()) {
            String banner = SandboxMain.banner(s);
            assertTrue(banner.contains(s.consoleUri().toString()));
            assertTrue(banner.contains("app.example.com"));
            assertTrue(banner.contains(Seed.DEMO_SIGNING_KEY));
            assertTrue(banner.contains("api.nextlevel3.com"));
        }
    }
}
