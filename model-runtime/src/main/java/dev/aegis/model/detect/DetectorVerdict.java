package dev.aegis.model.detect;

/**
 * @param score     max L1 distance between the prediction and the predictions on squeezed inputs (0..2)
 * @param threshold calibrated threshold
 * @param flagged   score > threshold: probably adversarial
 */
public record DetectorVerdict(double score, double threshold, boolean flagged) {
}
