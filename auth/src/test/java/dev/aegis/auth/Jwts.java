package dev.aegis.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads (never verifies) a JWT's claims, to assert on what Keycloak issued. */
final class Jwts {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Jwts() {
    }

    static Map<String, Object> claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        byte[] json = Base64.getUrlDecoder().decode(payload);
        return JSON.readValue(new String(json, StandardCharsets.UTF_8), new TypeReference<Map<String, Object>>() {
        });
    }

    /** A top-level text field of a JSON object, or of the first element of a JSON array. */
    static String field(String json, String name) {
        JsonNode node = JSON.readTree(json);
        if (node.isArray()) {
            node = node.get(0);
        }
        return node.get(name).asString();
    }
}
