package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class LockCheckTest {
    private static final String CHECK = "/nl3/api/v1/accountProtectionCheck";
    private static final String SDK = "/nl3/api/v1/sdk/accountLockCheck";

    private static final String BODY = "{\"userIP\":\"203.0.113.7\",\"userDevice\":\"Firefox\",\"userLocation\":\"\","
            + "\"integrationType\":\"java-servlet\",\"integrationData\":{}}";

    @Test
    void lockedUnlockedAndNotEnrolled(Sandbox sandbox) {
        Http http = new Http(sandbox.baseUri());
        assertEquals(false, http.postJson(CHECK, Tokens.valid("alice", Instant.now()), BODY).json().get("locked"));
        assertEquals(true, http.postJson(CHECK, Tokens.valid("carol", Instant.now()), BODY).json().get("locked"));
        Http.Response dave = http.postJson(CHECK, Tokens.valid("dave", Instant.now()), BODY);
        assertEquals(200, dave.status());
        assertFalse(dave.json().containsKey("locked"), "not enrolled: 200 without locked");
        Http.Response stranger = http.postJson(CHECK, Tokens.valid("nobody", Instant.now()), BODY);
        assertFalse(stranger.json().containsKey("locked"));
    }

    @Test
    void sdkPathAnswersWithStringsAndTakesTheTokenFromTheBody(Sandbox sandbox) {
        Http http = new Http(sandbox.baseUri());
        String token = Tokens.valid("app-service", Instant.now());
        Map<String, Object> json = http.postJson(SDK, null,
                "{\"nl3UserToken\":\"" + token + "\",\"userAccountId\":\"carol\"}").json();
        assertEquals("true", json.get("locked"));
        assertEquals("success", json.get("status"));
        assertNotNull(json.get("sessionID"));
        assertEquals("false", http.postJson(SDK, Tokens.valid("alice", Instant.now()), "{}").json().get("locked"));
        assertEquals(401, http.postJson(SDK, null, "{\"userAccountId\":\"carol\"}").status());
    }

    @Test
    void lockAndUnlockThroughTheAdminApi(Sandbox sandbox) {
        Http http = new Http(sandbox.baseUri());
        Http.Response locked = http.postJson("/sandbox/api/users/alice/lock", null, "");
        assertEquals(200, locked.status());
        assertEquals(true, locked.json().get("locked"));
        assertEquals(true, http.postJson(CHECK, Tokens.valid("alice", Instant.now()), BODY).json().get("locked"));
        http.postJson("/sandbox/api/users/alice/unlock", null, "");
        assertEquals(false, http.postJson(CHECK, Tokens.valid("alice", Instant.now()), BODY).json().get("locked"));
        assertEquals(404, http.postJson("/sandbox/api/users/nobody/lock", null, "").status());
        sandbox.unlock("carol");
        assertEquals(false, http.postJson(CHECK, Tokens.valid("carol", Instant.now()), BODY).json().get("locked"));
    }
}
