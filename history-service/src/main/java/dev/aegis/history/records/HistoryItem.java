package dev.aegis.history.records;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A history record as the API shows it to its owner. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HistoryItem(
        String id,
        RecordKind kind,
        String status,
        String imageId,
        String imageKey,
        String fileName,
        HistoryRecord.Model model,
        String label,
        Double confidence,
        List<HistoryRecord.LabelProbability> probabilities,
        HistoryRecord.Detector detector,
        HistoryRecord.Attack attack,
        String batchId,
        String error,
        String correlationId,
        Instant createdAt,
        Instant recordedAt) {

    static HistoryItem from(HistoryRecord r) {
        return new HistoryItem(r.id(), r.kind(), r.status(), r.imageId(), r.imageKey(), r.fileName(), r.model(),
                r.label(), r.confidence(), r.probabilities(), r.detector(), r.attack(), r.batchId(), r.error(),
                r.correlationId(), r.createdAt(), r.recordedAt());
    }
}
