package dev.nl3jit.sample;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * Refuses (403) a state-changing request (POST, PUT, PATCH, DELETE) that does not carry its session's
 * {@link Csrf} token, before anything else runs. Declared first in web.xml, so a forged transfer never reaches
 * the NL3 filter and asks no one for approval. It also runs on the forward with which the NL3 filter's Send now
 * replays a kept request: the kept form fields include the token, and the replay runs in the session that sent it.
 */
public class CsrfFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!STATE_CHANGING.contains(req.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        if (req.getCharacterEncoding() == null) {
            // The forms are in UTF-8 pages; read them so before anything reads a parameter.
            req.setCharacterEncoding("UTF-8");
        }
        if (!Csrf.valid(req)) {
            res.setStatus(HttpServletResponse.SC_FORBIDDEN);
            Page.write(req, res, "Form not accepted", "<p class=\"error\" id=\"csrf-refused\">This form was not sent from "
                    + "this site's own page in your current session, so nothing was done. Open the page again and "
                    + "resend it from there.</p><p><a href=\"" + req.getContextPath() + "/\">Back to the start page</a></p>");
            return;
        }
        chain.doFilter(req, res);
    }
}
