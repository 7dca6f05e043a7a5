package dev.aegis.adversarial.attack;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The attacks the worker runs. BIM and PGD iterate; PGD starts from a random point of the ball by default. */
public enum AttackMethod {
    FGSM, BIM, PGD;

    public boolean iterative() {
        return this != FGSM;
    }

    public static Optional<AttackMethod> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String wanted = value.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.name().equals(wanted)).findFirst();
    }
}
