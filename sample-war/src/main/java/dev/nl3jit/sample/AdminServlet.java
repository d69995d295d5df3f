package dev.nl3jit.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** User administration, protected through web.xml by the NL3 filter (ADMIN_ACCESS, an Approve template). */
public class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (String[] u : new String[][] {{"alice", "Requester", "active"}, {"bob", "Approver", "active"},
            {"carol", "Requester", "locked"}}) {
            rows.append("<tr><td>").append(u[0]).append("</td><td>").append(u[1]).append("</td><td>").append(u[2])
                    .append("</td></tr>");
        }
        Page.write(req, res, "User administration", "<p id=\"admin-content\">Approved access for <strong>"
                + Page.escape(req.getRemoteUser()) + "</strong>.</p><table><thead><tr><th>User</th><th>Role</th>"
                + "<th>State</th></tr></thead><tbody>" + rows + "</tbody></table>");
    }
}
