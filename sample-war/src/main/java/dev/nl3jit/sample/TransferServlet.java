package dev.nl3jit.sample;

import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.RequiresApproval;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Executes a transfer. Protected by annotation: a Sign-and-Approve template whose metadata carries the
 * amount and the recipient from the form; the approval covers this request (POST /payments/transfer) only.
 */
@WebServlet("/payments/transfer")
@RequiresApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "recipient"}, grantDuration = "5m",
        scope = GrantScope.REQUEST)
public class TransferServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.sendRedirect(req.getContextPath() + "/payments");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Page.write(req, res, "Transfer executed", "<p id=\"transfer-done\">Transferred <strong>"
                + Page.escape(req.getParameter("amount")) + "</strong> to <strong>" + Page.escape(req.getParameter("recipient"))
                + "</strong>.</p>");
    }
}
