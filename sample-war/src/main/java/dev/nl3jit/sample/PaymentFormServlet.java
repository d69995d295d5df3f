package dev.nl3jit.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The transfer form (with the session's anti-forgery token); sending it needs a signed approval. */
@WebServlet("/payments")
public class PaymentFormServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Page.write(req, res, "New transfer", "<form method=\"post\" action=\"payments/transfer\" class=\"form\">" + Csrf.field(req)
                + "<label>Amount <input name=\"amount\" id=\"amount\" required value=\"EUR 1,200.00\"></label>"
                + "<label>Recipient <input name=\"recipient\" id=\"recipient\" required value=\"ACME Supplies Ltd\"></label>"
                + "<button type=\"submit\" id=\"send\">Send transfer</button></form>"
                + "<p class=\"hint\">A colleague must sign and approve this transfer before it is executed.</p>");
    }
}
