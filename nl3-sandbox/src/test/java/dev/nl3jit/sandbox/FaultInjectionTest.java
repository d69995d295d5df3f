package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultInjectionTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private static final String CHECK = "/nl3/api/v1/accountProtectionCheck";

    private Http http() {
        return new Http(nl3.sandbox().baseUri());
    }

    private Http.Response check() {
        return http().postJson(CHECK, Tokens.valid("alice", Instant.now()), "{}");
    }

    @Test
    void statusFaultStrikesItsNumberOfTimesThenTheApiAnswersAgain() {
        Http.Response added = http().postJson("/sandbox/api/faults", null,
                "{\"path\":\"/nl3/api/v1/account\",\"status\":503,\"times\":2}");
        assertEquals(201, added.status(), added.body());
        assertEquals(503, check().status());
        assertEquals(503, check().status());
        assertEquals(200, check().status());
        List<Call> calls = nl3.sandbox().calls();
        assertEquals("status", calls.get(0).fault());
        assertEquals(503, calls.get(0).status());
        assertEquals(null, calls.get(2).fault());
    }

    @Test
    void malformedBodyFault() {
        nl3.sandbox().fault(Fault.on(CHECK).withBody("{\"locked\": tru"));
        Http.Response r = check();
        assertEquals(200, r.status());
        assertEquals("{\"locked\": tru", r.body());
    }

    @Test
    void delayFaultDelaysTheRealAnswer() {
        nl3.sandbox().fault(Fault.on(CHECK).withDelay(Duration.ofMillis(1500)).times(1));
        HttpRequest slow = HttpRequest.newBuilder(nl3.sandbox().baseUri().resolve(CHECK))
                .header("x-nl3-authorization-token", Tokens.valid("alice", Instant.now()))
                .timeout(Duration.ofMillis(500)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> http().send(slow));
        assertTrue(e.getCause() instanceof HttpTimeoutException, e.toString());
        long start = System.nanoTime();
        nl3.sandbox().fault(Fault.on(CHECK).withDelay(Duration.ofMillis(300)).times(1));
        Http.Response r = check();
        assertEquals(200, r.status());
        assertTrue(System.nanoTime() - start >= 300_000_000L, "the answer came before the delay");
        assertEquals(false, r.json().get("locked"));
    }

    @Test
    void droppedConnection() {
        assertEquals(201, http().postJson("/sandbox/api/faults", null,
                "{\"path\":\"/nl3/api/v1/approvalRequest\",\"drop\":true,\"times\":1}").status());
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> http().postJson("/nl3/api/v1/approvalRequest", Tokens.valid("alice", Instant.now()),
                        "{\"templateId\":\"ADMIN_ACCESS\"}"));
        assertTrue(e.getCause() instanceof IOException);
        assertEquals("drop", nl3.sandbox().calls().get(0).fault());
        assertTrue(nl3.sandbox().requests().isEmpty(), "a dropped call creates nothing");
    }

    @Test
    void faultsCanBeListedAndCleared() {
        nl3.sandbox().fault(Fault.on("/nl3/").withStatus(500));
        assertTrue(http().get("/sandbox/api/faults", null).body().contains("\"status\":500"));
        assertEquals(500, check().status());
        assertEquals(204, http().send(HttpRequest.newBuilder(nl3.sandbox().baseUri().resolve("/sandbox/api/faults"))
                .header("Content-Type", "application/json").DELETE().build()).status());
        assertEquals(200, check().status());
    }

    @Test
    void badFaultsAreRefused() {
        for (String bad : List.of("{}", "{\"path\":\"nl3\",\"status\":500}", "{\"path\":\"/nl3/\"}",
                "{\"path\":\"/nl3/\",\"status\":42}", "{\"path\":\"/nl3/\",\"delayMs\":-1}",
                "{\"path\":\"/nl3/\",\"drop\":true,\"status\":500}", "{\"path\":\"/nl3/\",\"status\":\"500\"}", "[]")) {
            Http.Response r = http().postJson("/sandbox/api/faults", null, bad);
            assertEquals(400, r.status(), bad + " -> " + r.body());
            assertTrue(r.message() != null && !r.message().isBlank());
        }
        assertThrows(IllegalArgumentException.class, () -> nl3.sandbox().fault(Fault.on("/nl3/")));
    }
}
