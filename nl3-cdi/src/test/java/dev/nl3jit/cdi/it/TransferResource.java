package dev.nl3jit.cdi.it;

import dev.nl3jit.cdi.GuardedByApproval;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** A JAX-RS resource whose POST needs a Sign-and-Approve approval; its GET needs none. */
@Path("transfers")
@RequestScoped
public class TransferResource {
    @Context
    SecurityContext security;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String list() {
        return "no transfers for " + security.getUserPrincipal().getName();
    }

    @POST
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @GuardedByApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "to=recipient"})
    public String transfer(@FormParam("amount") String amount, @FormParam("to") String to) {
        return "transferred " + amount + " to " + to + " for " + security.getUserPrincipal().getName();
    }
}
