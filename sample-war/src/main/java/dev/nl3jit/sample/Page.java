package dev.nl3jit.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The page frame of the operations console: plain HTML, one local stylesheet, everything escaped. */
final class Page {
    private Page() {
    }

    static void write(HttpServletRequest req, HttpServletResponse res, String title, String body) throws IOException {
        String ctx = req.getContextPath();
        String user = req.getRemoteUser();
        res.setContentType("text/html");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escape(title)
                + " \u2013 Ops Console</title><link rel=\"stylesheet\" href=\"" + ctx + "/style.css\"></head><body>"
                + "<header><a class=\"brand\" href=\"" + ctx + "/\">Ops Console</a><nav>"
                + "<a href=\"" + ctx + "/account\">Account</a><a href=\"" + ctx + "/admin/users\">Admin</a>"
                + "<a href=\"" + ctx + "/payments\">Payments</a>"
                + (user == null ? "<a href=\"" + ctx + "/account\">Sign in</a>"
                        : "<span class=\"who\">" + escape(user) + "</span><form method=\"post\" action=\"" + ctx
                                + "/logout\" class=\"signout\">" + Csrf.field(req)
                                + "<button type=\"submit\" id=\"signout\">Sign out</button></form>")
                + "</nav></header><main><h1>" + escape(title) + "</h1>" + body + "</main></body></html>");
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
