package dev.aegis.events;

/**
 * Attack settings in pixel space [0, 1]. {@code steps}, {@code stepSize} and {@code randomStart}
 * apply to BIM and PGD; {@code targetLabel} is null for an untargeted attack.
 */
public record AttackParameters(
        String method,
        double epsilon,
        Integer steps,
        Double stepSize,
        Boolean randomStart,
        String targetLabel) {
}
