package dev.aegis.adversarial.attack;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON request body into plain values, keeping each value's JSON type so the validator
 * can say "epsilon must be a number" instead of a parser error. NaN and Infinity are read as
 * numbers (then refused as out of range) for the same reason.
 */
@Component
public class JsonFields {

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    @SuppressWarnings("unchecked")
    public Map<String, Object> fields(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidAttackException(Map.of("body", "is empty; expected a JSON object"), true);
        }
        try {
            Object value = mapper.readValue(body, Object.class);
            if (!(value instanceof Map<?, ?> map)) {
                throw new InvalidAttackException(Map.of("body", "must be a JSON object"), true);
            }
            return new LinkedHashMap<>((Map<String, Object>) map);
        } catch (JacksonException e) {
            throw new InvalidAttackException(Map.of("body", "is not valid JSON: " + e.getOriginalMessage()), true);
        }
    }
}
