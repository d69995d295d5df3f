package dev.nl3jit.cdi.it;

import dev.nl3jit.cdi.ApprovalService;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.PendingApproval;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Application code asking for approvals through {@link ApprovalService} and reading them back by ticket. */
@Path("approvals")
@RequestScoped
@Produces(MediaType.TEXT_PLAIN)
public class ApprovalsResource {
    @Inject
    ApprovalService approvals;

    @POST
    public String ask() {
        CheckResult r = approvals.require("ADMIN_ACCESS");
        return r.approval().map(PendingApproval::ticket).orElse(r.outcome().name());
    }

    @GET
    @Path("{ticket}")
    public Response status(@PathParam("ticket") String ticket) {
        return approvals.status(ticket).map(p -> Response.ok(p.status().name()).build())
                .orElse(Response.status(404).entity("no such ticket").build());
    }
}
