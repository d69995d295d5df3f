package dev.nl3jit.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The public home page. */
@WebServlet("")
public class HomeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Page.write(req, res, "Operations console", "<p>Internal tools of Example Corp. Some of them need a "
                + "just-in-time approval from a colleague before they open.</p><ul class=\"cards\">"
                + "<li><a href=\"account\"><strong>Your account</strong><span>Signed-in page, no approval</span></a></li>"
                + "<li><a href=\"admin/users\"><strong>User administration</strong><span>Needs an <em>Approve</em></span></a></li>"
                + "<li><a href=\"payments\"><strong>Payments</strong><span>Needs a <em>Sign and Approve</em></span></a></li></ul>");
    }
}
