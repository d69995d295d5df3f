package dev.nl3jit.cdi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.filter.PayaraMicro;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same CDI + JAX-RS application on Payara Micro 6 (Jakarta EE 10 Web Profile with MicroProfile), started as a
 * separate server process: the settings come from the WAR's own {@code META-INF/microprofile-config.properties}, and a
 * second WAR without them does not deploy while the first one serves.
 */
class CdiJaxRsOnPayaraMicroIT {
    private static Sandbox sandbox;
    private static PayaraMicro payara;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().port(0).start();
        String settings = "nl3.signing-key=" + sandbox.signingKey() + "\nnl3.app-uri=" + sandbox.issuer()
                + "\nnl3.api-base-url=" + sandbox.baseUri() + "\nnl3.poll-interval=200ms\n";
        Path work = Files.createDirectories(Path.of(System.getProperty("test.work.dir", "target"), "payara-micro"));
        Path transfers = work.resolve("transfers.war");
        Path noKey = work.resolve("no-key.war");
        CdiJaxRsFlow.application("transfers.war").addAsResource(new StringAsset(settings), "META-INF/microprofile-config.properties")
                .as(ZipExporter.class).exportTo(transfers.toFile(), true);
        CdiJaxRsFlow.application("no-key.war").as(ZipExporter.class).exportTo(noKey.toFile(), true);
        payara = PayaraMicro.start(work, transfers, noKey);
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @BeforeEach
    void freshSandbox() {
        sandbox.reset();
    }

    @Test
    void approvalServiceFindsTicketsWithTheApplicationsUsernameMapper() throws Exception {
        CdiJaxRsFlow.approvalServiceFindsTicketsWithTheApplicationsUsernameMapper(sandbox, payara.uri("/transfers/"));
    }

    @Test
    void interceptorProtectsTheResourceMethodEndToEnd() throws Exception {
        CdiJaxRsFlow.interceptorProtectsTheResourceMethodEndToEnd(sandbox, payara.uri("/transfers/"));
    }

    @Test
    void aWarWithoutSettingsDoesNotDeployAndSaysWhy() throws Exception {
        String log = payara.log();
        assertTrue(log.contains("NL3 approval settings are invalid"), log);
        assertTrue(log.contains("nl3.signing-key: missing; expected the application's Base64 signing key"), log);
        assertEquals(404, payara.get("/no-key/api/transfers"), "the application without settings must not be serving");
        assertTrue(!log.contains(sandbox.signingKey()), "the signing key was logged");
    }
}
