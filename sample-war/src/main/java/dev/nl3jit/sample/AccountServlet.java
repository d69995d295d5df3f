package dev.nl3jit.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A signed-in page that needs no approval. */
@WebServlet("/account")
public class AccountServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Page.write(req, res, "Your account", "<p id=\"account\">Signed in as <strong>" + Page.escape(req.getRemoteUser())
                + "</strong>. This page needs no approval.</p>");
    }
}
