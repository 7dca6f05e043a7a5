package dev.aegis.events;

/**
 * Outcome of one attack. {@code status} is DONE or FAILED; on FAILED only {@code error} and the
 * identifiers are set.
 */
public record AttackCompleted(
        String attackId,
        String imageId,
        String imageKey,
        String adversarialKey,
        String perturbationKey,
        AttackParameters parameters,
        Status status,
        LabelScore original,
        LabelScore adversarial,
        Boolean success,
        Double linf,
        Double l2,
        ModelRef model,
        DetectorVerdict detector,
        Timings timings,
        String error) {

    public enum Status { DONE, FAILED }

    /** A predicted label with its confidence. */
    public record LabelScore(String label, double confidence) {
    }
}
