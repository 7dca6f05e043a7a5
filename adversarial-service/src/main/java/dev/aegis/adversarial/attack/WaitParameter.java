package dev.aegis.adversarial.attack;

import java.time.Duration;
import java.util.Map;

/**
 * {@code ?wait=} of the long-poll endpoints: an ISO-8601 duration ({@code PT5S}, as the
 * inference service takes it), seconds ({@code 10}) or with a unit ({@code 10s}, {@code 500ms}).
 */
public final class WaitParameter {

    private WaitParameter() {
    }

    public static Duration parse(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        String w = wait.trim().toLowerCase();
        try {
            Duration d;
            if (w.startsWith("p")) {
                d = Duration.parse(w.toUpperCase());
            } else if (w.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(w.substring(0, w.length() - 2)));
            } else if (w.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(w.substring(0, w.length() - 1)) * 1000));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(w) * 1000));
            }
            if (d.isNegative()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new InvalidAttackException(Map.of("wait", "must be a duration, e.g. PT5S, 10 or 10s"), true);
        }
    }
}
