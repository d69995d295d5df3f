package dev.nl3jit.cdi.jaxrs;

import dev.nl3jit.filter.Answer;
import dev.nl3jit.filter.ApprovalRequiredException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Sends the answer an {@link dev.nl3jit.cdi.GuardedByApproval} resource method was refused with: the
 * same redirect, problem+json or page the filter would send.
 */
@Provider
public class ApprovalRequiredMapper implements ExceptionMapper<ApprovalRequiredException> {
    @Override
    public Response toResponse(ApprovalRequiredException e) {
        Answer answer = e.result().answer().orElse(null);
        if (answer == null) {
            int status = e.result().outcome() == dev.nl3jit.filter.CheckResult.Outcome.UNAUTHENTICATED ? 401 : 403;
            return Response.status(status).type("application/problem+json").entity("{\"type\":\"urn:nl3:approval:"
                    + e.result().outcome().name().toLowerCase(java.util.Locale.ROOT) + "\",\"status\":" + status + "}").build();
        }
        Response.ResponseBuilder b = Response.status(answer.status());
        answer.headers().forEach(b::header);
        if (answer.body() != null) {
            b.entity(answer.body()).type(answer.contentType() + ";charset=UTF-8");
        }
        return b.build();
    }
}
