package dev.nl3jit.sample.it.faces;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Set;

/**
 * The test application's sign-in, through the container (Jakarta Security), so every filter sees the user:
 * {@code ?signin=alice} signs alice in for the session. A real application uses its own login.
 */
@ApplicationScoped
public class DemoSignIn implements HttpAuthenticationMechanism {
    private static final String USER = DemoSignIn.class.getName();

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest req, HttpServletResponse res, HttpMessageContext ctx) {
        String asked = req.getParameter("signin");
        if (asked != null && Set.of("alice", "carol").contains(asked)) {
            req.getSession().setAttribute(USER, asked);
        }
        HttpSession session = req.getSession(false);
        Object user = session == null ? null : session.getAttribute(USER);
        return user == null ? ctx.doNothing() : ctx.notifyContainerAboutLogin((String) user, Set.of("user"));
    }
}
