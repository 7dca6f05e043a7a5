package dev.aegis.inference.prediction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.data.mongodb.core.query.Update;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.ModelRef;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.Timings;

/** A worker's result as the API applies it: the record's new fields, for the write and for waiters. */
record AppliedResult(String predictionId, String userId, PredictionStatus status, String label, Double confidence,
                     List<PredictionDocument.LabelProbability> probabilities, ModelRef model, DetectorVerdict detector,
                     Timings timings, String error, String resultEventId, Instant completedAt) {

    static AppliedResult of(CloudEvent<PredictionCompleted> event, Instant completedAt) {
        PredictionCompleted r = event.data();
        List<PredictionDocument.LabelProbability> probabilities = null;
        if (r.probabilities() != null) {
            probabilities = new ArrayList<>();
            for (Map.Entry<String, Double> e : r.probabilities().entrySet()) {
                probabilities.add(new PredictionDocument.LabelProbability(e.getKey(), e.getValue()));
            }
        }
        PredictionStatus status = r.status() == PredictionCompleted.Status.DONE ? PredictionStatus.DONE
                : PredictionStatus.FAILED;
        return new AppliedResult(r.predictionId(), event.userid(), status, r.label(), r.confidence(), probabilities,
                r.model(), r.detector(), r.timings(), r.error(), event.id(), completedAt);
    }

    Update update() {
        return Update.update("status", status)
                .set("label", label)
                .set("confidence", confidence)
                .set("probabilities", probabilities)
                .set("model", model)
                .set("detector", detector)
                .set("timings", timings)
                .set("error", error)
                .set("resultEventId", resultEventId)
                .set("completedAt", completedAt);
    }

    /** The record as it is once this result is written (the same fields {@link #update()} sets). */
    PredictionDocument applyTo(PredictionDocument d) {
        return new PredictionDocument(d.id(), d.userId(), d.imageId(), d.imageKey(), d.contentType(), d.fileName(),
                d.batchId(), status, label, confidence, probabilities, model, detector, timings, error, resultEventId,
                d.createdAt(), completedAt);
    }
}
