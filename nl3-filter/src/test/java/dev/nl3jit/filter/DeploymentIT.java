package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad or missing settings stop the deployment, with every problem listed. */
class DeploymentIT {
    @Test
    void missingSettingsFailTheDeploymentWithTheListedMessage() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer app = AppServer.start(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(),
                    List.of("/admin/*", "/nl3-approval/*")))) {
                assertFalse(app.isStarted(), "started without settings");
            }
        });
        String message = messageChain(e);
        assertTrue(message.contains("nl3.signing-key: missing"), message);
        assertTrue(message.contains("nl3.app-uri: missing"), message);
    }

    @Test
    void malformedSettingsFailTheDeploymentAndTheKeyIsNotEchoed() {
        System.setProperty("nl3.signing-key", "this is not base64!");
        System.setProperty("nl3.app-uri", "app.example.com");
        System.setProperty("nl3.read-timeout", "forever");
        System.setProperty("nl3.approval-key", "ADMIN ACCESS");
        try {
            Exception e = assertThrows(Exception.class, () -> {
                try (AppServer app = AppServer.start(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(),
                        List.of("/admin/*", "/nl3-approval/*")))) {
                    assertFalse(app.isStarted());
                }
            });
            String message = messageChain(e);
            assertTrue(message.contains("nl3.signing-key: (value hidden) is not valid Base64"), message);
            assertTrue(message.contains("nl3.read-timeout: 'forever' is not a duration"), message);
            assertTrue(message.contains("nl3.approval-key: 'ADMIN ACCESS'"), message);
            assertFalse(message.contains("this is not base64"), message);
        } finally {
            System.clearProperty("nl3.signing-key");
            System.clearProperty("nl3.app-uri");
            System.clearProperty("nl3.read-timeout");
            System.clearProperty("nl3.approval-key");
        }
    }

    @Test
    void aFilterNotMappedToThePendingPathFailsTheDeployment() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer app = AppServer.start(new AppServer.Mapping("nl3-admin",
                    new Nl3ApprovalFilter(Nl3Settings.fromMap(java.util.Map.of("nl3.signing-key", "c2VjcmV0",
                            "nl3.app-uri", "app.example.com", "nl3.approval-key", "ADMIN_ACCESS"))),
                    List.of("/admin/*")))) {
                assertFalse(app.isStarted());
            }
        });
        assertTrue(messageChain(e).contains("no Nl3ApprovalFilter is mapped to /nl3-approval/*"), messageChain(e));
    }

    static String messageChain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
            if (c instanceof ServletException se && se.getRootCause() != null && se.getRootCause() != c.getCause()) {
                b.append(se.getRootCause().getMessage()).append('\n');
            }
        }
        return b.toString();
    }
}
