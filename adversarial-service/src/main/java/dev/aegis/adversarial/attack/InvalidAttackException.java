package dev.aegis.adversarial.attack;

import java.util.Map;

/**
 * A request the service refuses, with a message per field. {@code malformed} means a value had
 * the wrong type (400); otherwise values were well-formed but out of range (422).
 */
public class InvalidAttackException extends RuntimeException {

    private final Map<String, String> errors;
    private final boolean malformed;

    public InvalidAttackException(Map<String, String> errors, boolean malformed) {
        super("invalid request: " + errors);
        this.errors = Map.copyOf(errors);
        this.malformed = malformed;
    }

    public Map<String, String> errors() {
        return errors;
    }

    public boolean malformed() {
        return malformed;
    }
}
