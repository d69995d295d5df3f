package dev.nl3jit.testwar;

import dev.nl3jit.filter.RequiresApproval;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The only protected thing in the test WAR: an annotated servlet, no filter in web.xml. */
@WebServlet("/admin/*")
@RequiresApproval(value = "ADMIN_ACCESS", metadata = "resource=the user list", parameters = "reason")
public class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setContentType("text/plain");
        res.getWriter().write("ADMIN OK " + req.getRemoteUser());
    }
}
