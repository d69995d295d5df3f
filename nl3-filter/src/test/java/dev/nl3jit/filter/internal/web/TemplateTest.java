package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.internal.web.Template.Markup;



import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one way values reach the library's pages: escaped unless explicitly markup, every placeholder filled. */
class TemplateTest {
    @Test
    void valuesAreEscapedAndMarkupIsExplicit() {
        Template t = Template.load("bad-request.html");
        String html = t.render("detail", "<script>alert('x')</script>&", "home", "/\"><img src=x>").html();
        assertTrue(html.contains("<p id=\"why\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>"), html);
        assertTrue(html.contains("href=\"/&quot;&gt;&lt;img src=x&gt;\""), html);
        assertTrue(!html.contains("\n"), "line breaks and indentation of the resource are dropped");

        assertThrows(IllegalArgumentException.class, () -> t.render("detail", "x"), "every placeholder is filled");
        assertThrows(IllegalArgumentException.class, () -> t.render("detail", "x", "home", "/", "extra", "y"));
        assertThrows(IllegalArgumentException.class, () -> t.render("detail", new Markup("<b>"), "home", "/"),
                "{{…}} never takes markup, so nothing is escaped twice or mistaken for safe");
        Template values = Template.load("values.html");
        assertThrows(IllegalArgumentException.class, () -> values.render("rows", "<dt>x</dt>"),
                "{{{…}}} takes only Markup, never a plain string");
        assertEquals("<dl id=\"values\"><dt>a&lt;</dt><dd>b</dd></dl>",
                values.render("rows", Template.load("value.html").render("name", "a<", "value", "b")).html());
    }

    @Test
    void everyPageResourceLoads() {
        // Pages reads every resource when the class is initialised; a missing one fails here.
        assertTrue(Pages.unauthenticated("n").startsWith("<!DOCTYPE html>"));
        assertTrue(Pages.notFound("/", "n").contains("<style nonce=\"n\">*{box-sizing:border-box}"));
    }
}
