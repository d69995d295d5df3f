package dev.nl3jit.sandbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** JSON in and out, on top of the small JSON codec that jose4j already ships. */
final class Json {
    private Json() {
    }

    /** Parses a JSON object; anything else (array, scalar, garbage) is a {@link BadRequest}. */
    static Map<String, Object> parseObject(String text) {
        if (text == null || text.isBlank()) {
            throw new BadRequest("body must be a JSON object, got an empty body");
        }
        try {
            Map<String, Object> map = JsonUtil.parseJson(text);
            if (map == null) {
                throw new BadRequest("body must be a JSON object");
            }
            return map;
        } catch (JoseException | RuntimeException e) {
            if (e instanceof BadRequest b) {
                throw b;
            }
            throw new BadRequest("body is not a JSON object: " + firstLine(e.getMessage()));
        }
    }

    static String write(Map<String, ?> map) {
        return JsonUtil.toJson(map);
    }

    static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static String optString(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new BadRequest("'" + name + "' must be a string");
        }
        return s;
    }

    static List<String> optStringList(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Collection<?> items)) {
            throw new BadRequest("'" + name + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String s) || s.isBlank()) {
                throw new BadRequest("'" + name + "' must be an array of non-empty strings");
            }
            out.add(s.strip());
        }
        return List.copyOf(out);
    }

    /** An object of scalar values, each turned into its string form. */
    static Map<String, String> optStringMap(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadRequest("'" + name + "' must be an object of string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(String.valueOf(e.getKey()), String.valueOf(v));
            } else if (v != null) {
                throw new BadRequest("'" + name + "." + e.getKey() + "' must be a string, number or boolean");
            }
        }
        return out;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparsable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 120) : line;
    }
}
