package dev.aegis.adversarial.attack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.events.AttackParameters;

/**
 * Turns raw request fields (JSON values or multipart strings) into validated
 * {@link AttackParameters}, collecting one message per bad field. Values from JSON must have the
 * JSON type they mean (an epsilon given as a string is refused); multipart values are text and
 * are parsed.
 */
public final class AttackInputValidator {

    private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final AdversarialProperties properties;

    public AttackInputValidator(AdversarialProperties properties) {
        this.properties = properties;
    }

    /** Fields of one request: values are null, String, Number or Boolean. */
    public record RawInput(Map<String, Object> fields, boolean textual) {

        Object get(String name) {
            return fields.get(name);
        }
    }

    /**
     * @param labels the active model's labels, needed only when a target label is given
     */
    public AttackParameters validate(RawInput input, List<String> labels) {
        Errors errors = new Errors();
        Optional<AttackMethod> method = method(input, errors);
        Double epsilon = epsilon(input.get("epsilon"), input.textual(), "epsilon", errors);
        Integer steps = integer(input, "steps", errors);
        if (steps != null && (steps < 1 || steps > properties.maxSteps())) {
            errors.range("steps", "must be between 1 and " + properties.maxSteps());
        }
        Double stepSize = number(input.get("stepSize"), input.textual(), "stepSize", errors);
        if (stepSize != null && !(stepSize > 0 && stepSize <= 1)) {
            errors.range("stepSize", "must be a number in (0, 1]");
        }
        Boolean randomStart = bool(input, "randomStart", errors);
        String target = string(input, "targetLabel", errors);
        if (target != null) {
            if (target.isBlank()) {
                target = null;
            } else if (labels != null && !labels.contains(target)) {
                errors.range("targetLabel", "unknown label '" + target + "'; the active model knows " + labels);
            }
        }
        errors.throwIfAny();

        AttackMethod m = method.orElseThrow();
        if (!m.iterative()) {
            return new AttackParameters(m.name(), epsilon, null, null, null, target);
        }
        int n = steps == null ? properties.defaultSteps() : steps;
        // Madry et al.'s rule of thumb: 2.5 * eps / k lets k steps reach the ball's surface and move along it.
        double alpha = stepSize != null ? stepSize : Math.min(1.0, Math.max(2.5 * epsilon / n, 1e-6));
        boolean random = randomStart != null ? randomStart : m == AttackMethod.PGD;
        return new AttackParameters(m.name(), epsilon, n, alpha, random, target);
    }

    /** An image id as the API issues them: no path characters, so it cannot escape the user's prefix. */
    public static String imageId(Object raw) {
        Errors errors = new Errors();
        if (raw == null) {
            errors.type("imageId", "is required (or send the image as multipart field 'image')");
        } else if (!(raw instanceof String s)) {
            errors.type("imageId", "must be a string");
        } else if (!IMAGE_ID.matcher(s).matches()) {
            errors.type("imageId", "is not an image id");
        }
        errors.throwIfAny();
        return (String) raw;
    }

    /** Validates one epsilon of a list (robustness reports). */
    public static Double epsilon(Object raw, boolean textual, String field, Errors errors) {
        Double epsilon = number(raw, textual, field, errors);
        if (raw == null) {
            errors.type(field, "is required: a number between 0 and 1 (pixel scale)");
        } else if (epsilon != null && !(epsilon >= 0 && epsilon <= 1)) {
            errors.range(field, "must be a finite number between 0 and 1 (pixel scale), got " + raw);
        }
        return epsilon;
    }

    public static Optional<AttackMethod> method(Object raw, Errors errors) {
        if (raw == null) {
            errors.type("method", "is required: one of FGSM, BIM, PGD");
            return Optional.empty();
        }
        Optional<AttackMethod> method = raw instanceof String s ? AttackMethod.parse(s) : Optional.empty();
        if (method.isEmpty()) {
            errors.type("method", "must be one of FGSM, BIM, PGD, got " + raw);
        }
        return method;
    }

    private static Optional<AttackMethod> method(RawInput input, Errors errors) {
        return method(input.get("method"), errors);
    }

    private static Double number(Object raw, boolean textual, String field, Errors errors) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s && textual) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                errors.type(field, "must be a number, got '" + s + "'");
                return null;
            }
        }
        errors.type(field, "must be a number, got " + describe(raw));
        return null;
    }

    private static Integer integer(RawInput input, String field, Errors errors) {
        Object raw = input.get(field);
        if (raw == null) {
            return null;
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            long v = ((Number) raw).longValue();
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n.doubleValue()));
        }
        if (raw instanceof String s && input.textual()) {
            try {
                long v = Long.parseLong(s.trim());
                return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
            } catch (NumberFormatException e) {
                errors.type(field, "must be a whole number, got '" + s + "'");
                return null;
            }
        }
        errors.type(field, "must be a whole number, got " + describe(raw));
        return null;
    }

    private static Boolean bool(RawInput input, String field, Errors errors) {
        Object raw = input.get(field);
        if (raw == null || raw instanceof Boolean) {
            return (Boolean) raw;
        }
        if (raw instanceof String s && input.textual()) {
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(s);
            }
        }
        errors.type(field, "must be true or false, got " + describe(raw));
        return null;
    }

    private static String string(RawInput input, String field, Errors errors) {
        Object raw = input.get(field);
        if (raw == null || raw instanceof String) {
            return raw == null ? null : ((String) raw).trim();
        }
        errors.type(field, "must be a string, got " + describe(raw));
        return null;
    }

    private static String describe(Object raw) {
        if (raw instanceof String s) {
            return "the string \"" + s + "\"";
        }
        return raw instanceof Number || raw instanceof Boolean ? String.valueOf(raw) : "a " + kind(raw);
    }

    private static String kind(Object raw) {
        return raw instanceof Map ? "JSON object" : raw instanceof List ? "JSON array" : raw.getClass().getSimpleName();
    }

    /** Field messages; a type error anywhere makes the whole request malformed (400). */
    public static final class Errors {
        private final Map<String, String> messages = new LinkedHashMap<>();
        private boolean malformed;

        public void type(String field, String message) {
            messages.putIfAbsent(field, message);
            malformed = true;
        }

        public void range(String field, String message) {
            messages.putIfAbsent(field, message);
        }

        public boolean isEmpty() {
            return messages.isEmpty();
        }

        public void throwIfAny() {
            if (!messages.isEmpty()) {
                throw new InvalidAttackException(messages, malformed);
            }
        }
    }
}
