package com.example.plainwar;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The admin area, {@code /admin/*}. Nothing here knows about approvals: {@code web.xml} maps
 * {@code Nl3ApprovalFilter} in front of it (approval key {@code ADMIN_ACCESS}).
 */
public class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Html.page(req, res, "Admin area", "<p id=\"admin\">Welcome to the admin area, " + Html.escape(req.getRemoteUser())
                + ". An approver let you in; no new approval is needed while the grant lasts.</p>");
    }
}
