package dev.aegis.history.records;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One result of one user, stored in {@code aegis.history}. The id is the result event's subject
 * (prediction or attack id), so a redelivered or replayed event lands on the same document.
 * Probabilities are a list rather than a map because labels are arbitrary strings and MongoDB
 * field names must not contain dots or start with {@code $}.
 *
 * @param day UTC day of {@code createdAt} (yyyy-MM-dd), stored so per-day statistics are a plain
 *            {@code $group} that works on real MongoDB and on the local MongoDB-protocol server
 */
@Document(collection = HistoryRecord.COLLECTION)
public record HistoryRecord(
        @Id String id,
        String eventId,
        String userId,
        RecordKind kind,
        String status,
        String correlationId,
        String imageId,
        String imageKey,
        String fileName,
        Model model,
        String label,
        Double confidence,
        List<LabelProbability> probabilities,
        Detector detector,
        Attack attack,
        String batchId,
        String error,
        Instant createdAt,
        String day,
        Instant recordedAt) {

    public static final String COLLECTION = "history";

    public record Model(String name, String version) {
    }

    public record LabelProbability(String label, double probability) {
    }

    public record Detector(double score, double threshold, boolean flagged) {
    }

    public record Attack(
            String method,
            double epsilon,
            Integer steps,
            Double stepSize,
            Boolean randomStart,
            String targetLabel,
            String originalLabel,
            Double originalConfidence,
            String adversarialLabel,
            Double adversarialConfidence,
            Boolean success,
            Double linf,
            Double l2,
            String adversarialKey,
            String perturbationKey) {
    }

    boolean flagged() {
        return detector != null && detector.flagged();
    }
}
