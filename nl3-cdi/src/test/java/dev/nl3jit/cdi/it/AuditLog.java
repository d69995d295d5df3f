package dev.nl3jit.cdi.it;

import dev.nl3jit.filter.ApprovalEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Application code observing the library's CDI events, and showing what it saw at {@code GET api/audit}. */
@ApplicationScoped
@Path("audit")
public class AuditLog {
    private final List<String> seen = new CopyOnWriteArrayList<>();

    void record(@Observes ApprovalEvent event) {
        seen.add(event.kind() + " " + event.user() + " " + event.approvalKey());
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String list() {
        return String.join("\n", seen);
    }
}
