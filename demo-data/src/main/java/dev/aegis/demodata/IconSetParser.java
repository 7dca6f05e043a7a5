package dev.aegis.demodata;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Parses one Iconify JSON set ({@code json/<prefix>.json} in {@code @iconify/json}). */
public final class IconSetParser {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private IconSetParser() {
    }

    public static IconSet parse(byte[] json) {
        JsonNode root = MAPPER.readTree(json);
        String prefix = text(root.get("prefix"));
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("not an Iconify set: no prefix");
        }
        JsonNode info = root.path("info");
        JsonNode licence = info.path("license");
        JsonNode author = info.path("author");
        IconSet.Defaults defaults = new IconSet.Defaults(
                number(root.get("left"), 0), number(root.get("top"), 0),
                number(root.get("width"), 16), number(root.get("height"), 16));

        Map<String, IconSet.IconData> icons = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("icons").properties()) {
            JsonNode n = e.getValue();
            String body = text(n.get("body"));
            if (body == null) {
                continue;
            }
            icons.put(e.getKey(), new IconSet.IconData(body, boxed(n.get("left")), boxed(n.get("top")),
                    boxed(n.get("width")), boxed(n.get("height")), n.path("rotate").asInt(0),
                    n.path("hFlip").asBoolean(false), n.path("vFlip").asBoolean(false), n.path("hidden").asBoolean(false)));
        }
        Map<String, IconSet.AliasData> aliases = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("aliases").properties()) {
            JsonNode n = e.getValue();
            String parent = text(n.get("parent"));
            if (parent == null) {
                continue;
            }
            aliases.put(e.getKey(), new IconSet.AliasData(parent, boxed(n.get("left")), boxed(n.get("top")),
                    boxed(n.get("width")), boxed(n.get("height")), n.path("rotate").asInt(0),
                    n.path("hFlip").asBoolean(false), n.path("vFlip").asBoolean(false), n.path("hidden").asBoolean(false)));
        }
        return new IconSet(prefix, orElse(text(info.get("name")), prefix),
                text(licence.get("spdx")), text(licence.get("title")), text(licence.get("url")),
                text(author.get("name")), text(author.get("url")),
                info.path("palette").asBoolean(false), defaults, icons, aliases);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || !n.isValueNode() ? null : n.asString();
    }

    private static Double boxed(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asDouble();
    }

    private static double number(JsonNode n, double fallback) {
        return n == null || !n.isNumber() ? fallback : n.asDouble();
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }
}
