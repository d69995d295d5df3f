package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.store.KeptRequest;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Send now request as the protected resource sees it: the kept method, content type and body, and the kept
 * form fields as parameters; nothing the browser sent with the click. The dispatch to the kept target adds the
 * target's query parameters.
 */
public final class KeptRequestWrapper extends HttpServletRequestWrapper {
    private final KeptRequest kept;
    private final Map<String, String[]> form;

    KeptRequestWrapper(HttpServletRequest req, KeptRequest kept) {
        super(req);
        this.kept = kept;
        Map<String, String[]> m = new LinkedHashMap<>();
        if (KeptRequests.isForm(kept.contentType())) {
            KeptRequests.parse(new String(kept.body(), StandardCharsets.UTF_8))
                    .forEach((k, v) -> m.put(k, v.toArray(new String[0])));
        }
        this.form = Collections.unmodifiableMap(m);
    }

    @Override
    public String getMethod() {
        return kept.method();
    }

    @Override
    public String getContentType() {
        return kept.contentType();
    }

    @Override
    public String getHeader(String name) {
        if ("Content-Type".equalsIgnoreCase(name)) {
            return kept.contentType();
        }
        if ("Content-Length".equalsIgnoreCase(name)) {
            return String.valueOf(kept.size());
        }
        return super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        String v = getHeader(name);
        if ("Content-Type".equalsIgnoreCase(name) || "Content-Length".equalsIgnoreCase(name)) {
            return Collections.enumeration(v == null ? List.of() : List.of(v));
        }
        return super.getHeaders(name);
    }

    @Override
    public int getContentLength() {
        return kept.size();
    }

    @Override
    public long getContentLengthLong() {
        return kept.size();
    }

    @Override
    public String getCharacterEncoding() {
        String ct = kept.contentType();
        int i = ct == null ? -1 : ct.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
        return i < 0 ? (KeptRequests.isForm(ct) ? "UTF-8" : null) : ct.substring(i + 8).split(";", 2)[0].strip();
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(kept.body());
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("the kept body is read synchronously");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        String enc = getCharacterEncoding();
        Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(kept.body()), cs));
    }

    @Override
    public String getParameter(String name) {
        String[] v = form.get(name);
        return v == null || v.length == 0 ? null : v[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return form;
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(form.keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] v = form.get(name);
        return v == null ? null : v.clone();
    }
}
