package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NL3 failing in every way the sandbox can fail, with the approval policy closed and open. Read timeout 1 s. */
class FailurePolicyIT extends AppTestBase {

    /** Each test starts its own application with the policy it needs. */
    @Override
    protected AppServer application() {
        return null;
    }
    private static final String CREATE = "/nl3/api/v1/approvalRequest";
    private static final long READ_TIMEOUT_MS = 1000;

    static Stream<Arguments> faults() {
        return Stream.of(
                // An answer after the delay, never a created request: the sandbox would make one after the test ended.
                Arguments.of("delay past the read timeout", Fault.on(CREATE).withDelay(Duration.ofMillis(3000)).withStatus(504)),
                Arguments.of("HTTP 500", Fault.on(CREATE).withStatus(500)),
                Arguments.of("malformed body", Fault.on(CREATE).withStatus(201).withBody("{\"requestId\": ")),
                Arguments.of("body without an id", Fault.on(CREATE).withStatus(201).withBody("{\"status\":\"PENDING\"}")),
                Arguments.of("oversized body", Fault.on(CREATE).withStatus(201).withBody("{\"x\":\"" + "a".repeat(70_000) + "\"}")),
                Arguments.of("dropped connection", Fault.on(CREATE).dropConnection()));
    }

    /** Runs one protected request against the fault; returns how long the answer took, in ms. */
    private long run(Sandbox sandbox, String policy, Fault fault, int expectedStatus, String accept) throws Exception {
        app = Fixtures.app(sandbox, CLOCK, "nl3.approval-failure", policy);
        sandbox.fault(fault);
        long start = System.nanoTime();
        Client.Response r = accept == null ? Client.as("alice").get(app.uri("/admin/users"))
                : Client.as("alice").get(app.uri("/admin/users"), "Accept", accept);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(expectedStatus, r.status(), r.body());
        if (expectedStatus == 503) {
            assertTrue(r.body().contains("cannot be reached"), r.body());
            assertEquals("10", r.header("Retry-After"));
        } else {
            assertTrue(r.body().startsWith("ADMIN OK alice"), r.body());
        }
        return ms;
    }

    @ParameterizedTest(name = "closed: {0}")
    @MethodSource("faults")
    void closedPolicyAnswers503InTime(String name, Fault fault) throws Exception {
        long ms = run(nl3.sandbox(), "closed", fault, 503, null);
        assertTrue(ms < READ_TIMEOUT_MS + 1000 + 1000, name + " took " + ms + " ms");
    }

    @ParameterizedTest(name = "open: {0}")
    @MethodSource("faults")
    void openPolicyLetsThroughInTime(String name, Fault fault) throws Exception {
        long ms = run(nl3.sandbox(), "open", fault, 200, null);
        assertTrue(ms < READ_TIMEOUT_MS + 1000 + 1000, name + " took " + ms + " ms");
    }

    @Test
    void closedPolicyAnswersApiClientsWithProblemJson() throws Exception {
        app = Fixtures.app(nl3.sandbox(), CLOCK);
        nl3.sandbox().fault(Fault.on(CREATE).withStatus(502));
        Client.Response r = Client.as("alice").get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(503, r.status());
        assertEquals("urn:nl3:approval:unavailable", r.json().get("type"));
    }

    /**
     * Seven attempts while NL3 fails in five ways, over the default limit of five approval requests per ten minutes:
     * none counts, so the first attempt once NL3 is back sends an approval request.
     */
    @Test
    void attemptsRefusedBecauseNl3FailedDoNotSpendTheRequestLimit() throws Exception {
        String check = "/nl3/api/v1/accountProtectionCheck";
        app = Fixtures.app(nl3.sandbox(), CLOCK);
        Sandbox sandbox = nl3.sandbox();
        List<Fault> outage = List.of(Fault.on(check).withStatus(503), Fault.on(check).dropConnection(),
                Fault.on(CREATE).withStatus(500), Fault.on(CREATE).dropConnection(),
                Fault.on(CREATE).withStatus(201).withBody("<html>gateway</html>"),
                Fault.on(CREATE).withDelay(Duration.ofMillis(2500)).withStatus(500), Fault.on(CREATE).withStatus(502));
        Client alice = Client.as("alice");
        for (Fault f : outage) {
            sandbox.clearFaults().fault(f);
            Client.Response r = alice.get(app.uri("/admin/users"));
            assertEquals(503, r.status(), f.toString());
        }
        sandbox.clearFaults();
        Client.Response back = alice.get(app.uri("/admin/users"));
        assertEquals(303, back.status(), "NL3 is back: a normal approval request, not 429: " + back.body());
        assertTrue(back.location().startsWith("/app/nl3-approval?p="), back.location());
    }

    @Test
    void lockCheckHasItsOwnPolicy() throws Exception {
        String check = "/nl3/api/v1/accountProtectionCheck";
        app = Fixtures.app(nl3.sandbox(), CLOCK, "nl3.lock-check-failure", "open");
        nl3.sandbox().fault(Fault.on(check).withStatus(500));
        assertEquals(303, Client.as("alice").get(app.uri("/admin/users")).status(), "open lock check: approval requested anyway");
        app.close();
        nl3.sandbox().reset();
        app = Fixtures.app(nl3.sandbox(), CLOCK);
        nl3.sandbox().fault(Fault.on(check).withStatus(200).withBody("{\"locked\":\"perhaps\"}"));
        assertEquals(503, Client.as("alice").get(app.uri("/admin/users")).status(), "no verdict, closed lock check");
        assertTrue(nl3.sandbox().requests().isEmpty());
    }

    @Test
    void lenientLockAnswersAreUnderstood() throws Exception {
        String check = "/nl3/api/v1/accountProtectionCheck";
        app = Fixtures.app(nl3.sandbox(), CLOCK);
        for (String body : List.of("{\"locked\":\"TRUE\"}", "{\"locked\":true,\"extra\":[1,2]}", "{\"locked\":\"True\",\"status\":\"x\"}")) {
            nl3.sandbox().clearFaults().fault(Fault.on(check).withStatus(200).withBody(body));
            assertEquals(403, Client.as("alice").get(app.uri("/admin/users")).status(), body);
            CLOCK.advance(java.time.Duration.ofSeconds(31)); // a lock NL3 reported is trusted for one re-check interval
        }
        nl3.sandbox().clearFaults().fault(Fault.on(check).withStatus(200).withBody("{\"locked\":\"false\"}"));
        assertEquals(303, Client.as("alice").get(app.uri("/admin/users")).status());
    }

    @Test
    void lenientCreateAndStatusAnswersAreUnderstood() throws Exception {
        app = Fixtures.app(nl3.sandbox(), CLOCK);
        nl3.sandbox().fault(Fault.on(CREATE).withStatus(200).withBody("{\"approvalId\":42,\"status\":\"sent\",\"unknown\":{}}").times(1));
        String location = Client.as("alice").get(app.uri("/admin/users")).location();
        nl3.sandbox().fault(Fault.on(CREATE + "/42").withStatus(200).withBody("{\"status\":\"Granted\",\"decidedAt\":\""
                + CLOCK.instant() + "\"}"));
        Client.Response s = Client.as("alice").get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=3"),
                "Accept", "application/json");
        assertEquals("APPROVED", s.json().get("approvalStatus"));
        assertEquals(200, Client.as("alice").get(app.uri("/admin/users")).status());
    }
}
