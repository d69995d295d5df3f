package dev.nl3jit.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The FORM login page. The container shows it at whatever protected URL asked for a sign-in, so every link in it is
 * absolute: a relative stylesheet would resolve under the protected path and become the request the container
 * returns to after the sign-in.
 */
@WebServlet({"/login", "/login-error"})
public class LoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String ctx = req.getContextPath();
        boolean failed = req.getServletPath().equals("/login-error");
        res.setContentType("text/html");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sign in \u2013 Ops Console</title>"
                + "<link rel=\"stylesheet\" href=\"" + ctx + "/style.css\"></head><body><header><a class=\"brand\" href=\"" + ctx
                + "/\">Ops Console</a></header><main><h1>Sign in</h1>"
                + (failed ? "<p class=\"error\" id=\"login-error\">Wrong user or password.</p>" : "")
                + "<form method=\"post\" action=\"" + ctx + "/j_security_check\" class=\"form\">"
                + "<label>User <input name=\"j_username\" id=\"username\" autocomplete=\"username\" required autofocus></label>"
                + "<label>Password <input name=\"j_password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" "
                + "required></label><button type=\"submit\" id=\"signin\">Sign in</button></form>"
                + "<p class=\"hint\">Demo users: <strong>alice</strong> (requester), <strong>bob</strong> (approver), "
                + "<strong>carol</strong> (locked); password <strong>pw</strong>.</p></main></body></html>");
    }
}
