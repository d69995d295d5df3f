package dev.nl3jit.filter.internal.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.util.List;

/** Step 2: a signed-in user, or the container's challenge, or 401. Never a token for an anonymous user. */
public final class Authentication {
    private static final System.Logger LOG = System.getLogger(Authentication.class.getName());

    private Authentication() {
    }

    /** The authenticated principal, or null after the container challenged or a 401 was sent. */
    static Principal require(HttpServletRequest req, HttpServletResponse res, List<String> apiPaths) throws IOException {
        Principal principal = req.getUserPrincipal();
        if (principal != null) {
            return principal;
        }
        try {
            if (!req.authenticate(res)) {
                Responder.unauthenticated(ClientKind.of(req, apiPaths)).writeTo(res);
                return null;
            }
        } catch (ServletException e) {
            LOG.log(Level.DEBUG, "container could not authenticate: {0}", e.getMessage());
        }
        principal = req.getUserPrincipal();
        if (principal == null) {
            Responder.unauthenticated(ClientKind.of(req, apiPaths)).writeTo(res);
        }
        return principal;
    }
}
