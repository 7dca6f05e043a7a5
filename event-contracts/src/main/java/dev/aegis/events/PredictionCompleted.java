package dev.aegis.events;

import java.util.Map;

/**
 * Outcome of one prediction. {@code status} is DONE or FAILED; on FAILED only {@code error} and
 * the identifiers are set. Probabilities are keyed by label.
 */
public record PredictionCompleted(
        String predictionId,
        String imageId,
        String imageKey,
        String batchId,
        String fileName,
        Status status,
        String label,
        Double confidence,
        Map<String, Double> probabilities,
        ModelRef model,
        DetectorVerdict detector,
        Timings timings,
        String error) {

    public enum Status { DONE, FAILED }
}
