package dev.aegis.inference.prediction;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Timings;

/**
 * One prediction in {@code aegis.predictions}. Probabilities are a list rather than a map because
 * labels are free text and MongoDB field names may not contain dots.
 */
@Document("predictions")
public record PredictionDocument(
        @Id String id,
        String userId,
        String imageId,
        String imageKey,
        String contentType,
        String fileName,
        String batchId,
        PredictionStatus status,
        String label,
        Double confidence,
        List<LabelProbability> probabilities,
        ModelRef model,
        DetectorVerdict detector,
        Timings timings,
        String error,
        String resultEventId,
        Instant createdAt,
        Instant completedAt) {

    public record LabelProbability(String label, double probability) {
    }

    public static PredictionDocument pending(String id, String userId, String imageId, String imageKey, String contentType,
                                      String fileName, String batchId) {
        return new PredictionDocument(id, userId, imageId, imageKey, contentType, fileName, batchId,
                PredictionStatus.PENDING, null, null, null, null, null, null, null, null,
                // as MongoDB stores it: the record answered before and after a read is the same
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null);
    }
}
