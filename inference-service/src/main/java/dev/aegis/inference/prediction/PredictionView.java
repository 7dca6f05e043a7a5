package dev.aegis.inference.prediction;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Timings;

/** What {@code GET /api/predictions/{id}} answers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionView(
        String id,
        PredictionStatus status,
        String imageId,
        String fileName,
        String batchId,
        String label,
        Double confidence,
        Map<String, Double> probabilities,
        ModelRef model,
        DetectorVerdict detector,
        Timings timings,
        String error,
        Instant createdAt,
        Instant completedAt) {

    public static PredictionView of(PredictionDocument d) {
        Map<String, Double> probabilities = null;
        if (d.probabilities() != null) {
            probabilities = new LinkedHashMap<>();
            for (PredictionDocument.LabelProbability p : d.probabilities()) {
                probabilities.put(p.label(), p.probability());
            }
        }
        return new PredictionView(d.id(), d.status(), d.imageId(), d.fileName(), d.batchId(), d.label(),
                d.confidence(), probabilities, d.model(), d.detector(), d.timings(), d.error(), d.createdAt(),
                d.completedAt());
    }
}
