package dev.aegis.history.records;

import java.util.Map;

/** Bad query parameters, field name -> what is wrong; answered as problem+json 400. */
class InvalidQueryException extends RuntimeException {

    private final Map<String, String> errors;

    InvalidQueryException(Map<String, String> errors) {
        super("invalid query parameters: " + errors);
        this.errors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errors));
    }

    Map<String, String> errors() {
        return errors;
    }
}
