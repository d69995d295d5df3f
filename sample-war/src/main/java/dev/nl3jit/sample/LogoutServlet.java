package dev.nl3jit.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Signs out by POST only (a link or an image elsewhere cannot sign anyone out), with the session's anti-forgery token
 * ({@link CsrfFilter}); the session cookie is SameSite=Lax.
 */
@WebServlet("/logout")
public class LogoutServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setHeader("Allow", "POST");
        res.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Sign out with the button in the page header.");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
        if ("cross-site".equalsIgnoreCase(req.getHeader("Sec-Fetch-Site"))) {
            res.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        req.logout();
        if (req.getSession(false) != null) {
            req.getSession(false).invalidate();
        }
        res.sendRedirect(req.getContextPath() + "/");
    }
}
