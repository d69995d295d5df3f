package com.example.plainwar;

import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.RequiresApproval;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Sends a transfer. The annotation is all it takes: at startup the nl3-filter jar puts the approval filter in front of
 * this servlet. {@code PAYMENT_APPROVAL} is a <em>Sign and Approve</em> template: the approver sees the amount and the
 * recipient, and the approval covers this POST with exactly those values, once.
 */
@WebServlet("/payments/transfer")
@RequiresApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "recipient"}, grantDuration = "5m",
        scope = GrantScope.REQUEST)
public class TransferServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Html.page(req, res, "Transfer sent", "<p id=\"sent\">Transferred " + Html.escape(req.getParameter("amount")) + " to "
                + Html.escape(req.getParameter("recipient")) + ".</p>");
    }
}
