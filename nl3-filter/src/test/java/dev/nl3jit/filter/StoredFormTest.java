package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored form of a pending approval: every field survives, nothing secret is in it, bad input is refused. */
class StoredFormTest {
    private static final Instant AT = Instant.parse("2026-11-29T10:15:30.123456789Z");

    private static StoredApproval full() {
        return StoredApproval.create(d -> {
            d.ticket = "Xyqyrd6z.abc";
            d.key = new GrantKey("alice \"the\" admin", "PAYMENT_APPROVAL", "POST /payments/transfer #1f2e");
            d.requestId = "r-1";
            d.approvalType = ApprovalType.SIGN_AND_APPROVE;
            d.approvers = List.of("bob@example.com", "carol@example.com");
            d.createdAt = AT;
            d.expiresAt = AT.plusSeconds(600);
            d.method = "POST";
            d.target = "/payments/transfer?x=1&y=é";
            d.status = ApprovalStatus.APPROVED;
            d.comment = "ok\nline two";
            d.decidedAt = AT.plusSeconds(5);
            d.decidedBy = "bob";
            d.signer = "Bob Approver";
            d.signedAt = AT.plusSeconds(4);
            d.values = Map.of("amount", "EUR 1200", "recipient", "ACME");
            d.checkedAt = AT.plusNanos(7);
            d.grantFor = Duration.ofMinutes(15);
            d.uses = 1;
            d.kept = new KeptRequest("POST", "/payments/transfer", "text/plain; charset=UTF-8",
                    "pay ACME €1200\u0000\n".getBytes(StandardCharsets.UTF_8));
            d.sendToken = "3f1a";
            d.session = "9c2b";
            d.failing = "TIMEOUT:0";
        });
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        StoredApproval p = full();
        StoredApproval back = StoredApproval.fromStoredForm(p.toStoredForm());
        assertEquals(p, back);
        assertEquals(p.key(), back.key());
        assertEquals(p.approvers(), back.approvers());
        assertEquals(p.values(), back.values());
        assertEquals(p.checkedAt(), back.checkedAt(), "nanoseconds kept: a conditional replace compares them");
        assertEquals(p.signer(), back.signer());
        assertEquals(p.comment(), back.comment());
        assertEquals(p.target(), back.target());
        assertEquals(p.grantFor(), back.grantFor());
        assertEquals(p.uses(), back.uses());
        assertArrayEquals(p.kept().body(), back.kept().body());
        assertEquals(p.kept().contentType(), back.kept().contentType());
        assertEquals(p.sendToken(), back.sendToken());
        assertEquals(p.session(), back.session());
        assertEquals(p.failing(), back.failing());
        assertEquals(p.toStoredForm(), back.toStoredForm(), "stable: the same text again");
    }

    @Test
    void aMinimalApprovalSurvivesToo() {
        StoredApproval p = full().with(d -> {
            d.kept = null;
            d.comment = null;
            d.decidedAt = null;
            d.signer = null;
            d.signedAt = null;
            d.checkedAt = null;
            d.sendToken = null;
            d.session = null;
            d.failing = null;
            d.status = ApprovalStatus.PENDING;
        });
        StoredApproval back = StoredApproval.fromStoredForm(p.toStoredForm());
        assertEquals(p, back);
        assertEquals(null, back.kept());
        assertFalse(p.toStoredForm().contains("\"kept\""));
    }

    @Test
    void unknownVersionsAndGarbageAreStoreErrors() {
        String form = full().toStoredForm();
        assertTrue(form.startsWith("{\"v\":1,"), form);
        ApprovalStoreException v2 = assertThrows(ApprovalStoreException.class,
                () -> StoredApproval.fromStoredForm(form.replace("{\"v\":1,", "{\"v\":2,")));
        assertTrue(v2.getMessage().contains("unknown version"), v2.getMessage());
        assertThrows(ApprovalStoreException.class, () -> StoredApproval.fromStoredForm("not json"));
        assertThrows(ApprovalStoreException.class, () -> StoredApproval.fromStoredForm(form.replace("\"APPROVED\"", "\"MAYBE\"")));
    }
}
