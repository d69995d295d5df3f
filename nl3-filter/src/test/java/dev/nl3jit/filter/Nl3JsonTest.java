package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.nl3.Nl3Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;

/** The JSON every answer, audit line and NL3 request body is written with: what a JSON parser reads back, safe in HTML. */
class Nl3JsonTest {
    @Test
    void nestedValuesReadBackByAJsonParserAsWritten() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("id", "42");
        inner.put("empty", "");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "a \"quoted\" \\ back/slash\nnew line\ttab\r\u0001\u001f\u007f é € 😀");
        m.put("html", "</script><b>&amp;</b>");
        m.put("separators", "\u2028\u2029");
        m.put("count", 3);
        m.put("big", 12345678901L);
        m.put("ratio", 0.25);
        m.put("yes", true);
        m.put("none", null);
        m.put("list", List.of("x", "y"));
        m.put("emptyList", List.of());
        m.put("map", inner);
        m.put("kind", ApprovalType.SIGN_AND_APPROVE);
        String json = Nl3Json.write(m);
        Map<String, Object> back = JsonUtil.parseJson(json);
        assertEquals(m.get("text"), back.get("text"));
        assertEquals(m.get("html"), back.get("html"));
        assertEquals(m.get("separators"), back.get("separators"));
        assertEquals(3L, back.get("count"));
        assertEquals(12345678901L, back.get("big"));
        assertEquals(0.25, back.get("ratio"));
        assertEquals(true, back.get("yes"));
        assertTrue(back.containsKey("none"));
        assertEquals(null, back.get("none"));
        assertEquals(List.of("x", "y"), back.get("list"));
        assertEquals(List.of(), back.get("emptyList"));
        assertEquals(inner, back.get("map"));
        assertEquals("SIGN_AND_APPROVE", back.get("kind"));
        assertEquals(new ArrayList<>(m.keySet()), new ArrayList<>(back.keySet()), "members keep their order");
    }

    @Test
    void markupAndLineSeparatorsNeverAppearRaw() {
        String json = Nl3Json.write(Map.of("v", "</script><img src=x onerror=alert(1)>&\u2028\u2029\u0000"));
        for (String raw : List.of("<", ">", "&", "\u2028", "\u2029", "\u0000")) {
            assertFalse(json.contains(raw), raw + " in " + json);
        }
        assertEquals("{\"v\":\"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\\u0026\\u2028\\u2029\\u0000\"}", json);
    }

    @Test
    void numbersThatJsonCannotHoldAreNull() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nan", Double.NaN);
        m.put("inf", Double.POSITIVE_INFINITY);
        assertEquals("{\"nan\":null,\"inf\":null}", Nl3Json.write(m));
    }

    @Test
    void randomTextSurvivesTheRoundTrip() throws Exception {
        Random random = new Random(7);
        for (int n = 0; n < 2000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                b.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xd800)));
            }
            String text = b.toString();
            String json = Nl3Json.write(Map.of(text, text));
            Map<String, Object> back = JsonUtil.parseJson(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            assertEquals(Map.of(text, text), back, json);
        }
    }
}
