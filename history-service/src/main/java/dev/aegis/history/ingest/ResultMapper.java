package dev.aegis.history.ingest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.aegis.events.AttackCompleted;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.MalformedEventException;
import dev.aegis.events.ModelRef;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.history.records.HistoryRecord;
import dev.aegis.history.records.RecordKind;

/** Turns a result event into the record stored for its user. Rejects events no retry can fix. */
final class ResultMapper {

    private ResultMapper() {
    }

    static HistoryRecord toRecord(CloudEvent<?> event, Instant recordedAt) {
        Instant createdAt = event.time() != null ? event.time() : recordedAt;
        if (event.data() instanceof PredictionCompleted p) {
            String id = firstNonBlank(p.predictionId(), event.subject(), "predictionId");
            RecordKind kind = p.batchId() == null || p.batchId().isBlank() ? RecordKind.PREDICTION : RecordKind.BATCH_ITEM;
            return new HistoryRecord(id, event.id(), event.userid(), kind, name(p.status()), event.correlationid(),
                    p.imageId(), p.imageKey(), p.fileName(), model(p.model()), p.label(), p.confidence(),
                    probabilities(p.probabilities()), detector(p.detector()), null, blankToNull(p.batchId()), p.error(),
                    createdAt, day(createdAt), recordedAt);
        }
        if (event.data() instanceof AttackCompleted a) {
            String id = firstNonBlank(a.attackId(), event.subject(), "attackId");
            var params = a.parameters();
            HistoryRecord.Attack attack = new HistoryRecord.Attack(
                    params == null ? null : params.method(),
                    params == null ? 0 : params.epsilon(),
                    params == null ? null : params.steps(),
                    params == null ? null : params.stepSize(),
                    params == null ? null : params.randomStart(),
                    params == null ? null : params.targetLabel(),
                    a.original() == null ? null : a.original().label(),
                    a.original() == null ? null : a.original().confidence(),
                    a.adversarial() == null ? null : a.adversarial().label(),
                    a.adversarial() == null ? null : a.adversarial().confidence(),
                    a.success(), a.linf(), a.l2(), a.adversarialKey(), a.perturbationKey());
            // the label of an attack record is what the model answered on the adversarial image
            String label = a.adversarial() != null ? a.adversarial().label() : null;
            Double confidence = a.adversarial() != null ? a.adversarial().confidence() : null;
            return new HistoryRecord(id, event.id(), event.userid(), RecordKind.ATTACK, name(a.status()),
                    event.correlationid(), a.imageId(), a.imageKey(), null, model(a.model()), label, confidence,
                    null, detector(a.detector()), attack, null, a.error(), createdAt, day(createdAt), recordedAt);
        }
        throw new MalformedEventException("event " + event.id() + " of type " + event.type()
                + " is not a prediction or attack result");
    }

    private static String firstNonBlank(String value, String fallback, String field) {
        if (value != null && !value.isBlank()) {
            return value;
        }
        if (fallback != null && !fallback.isBlank()) {
            return fallback;
        }
        throw new MalformedEventException("result event has neither " + field + " nor subject");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String name(Enum<?> status) {
        return status == null ? null : status.name();
    }

    private static HistoryRecord.Model model(ModelRef model) {
        return model == null ? null : new HistoryRecord.Model(model.name(), model.version());
    }

    private static HistoryRecord.Detector detector(DetectorVerdict d) {
        return d == null ? null : new HistoryRecord.Detector(d.score(), d.threshold(), d.flagged());
    }

    /** Highest probability first, so a client shows the top-k without sorting. */
    private static List<HistoryRecord.LabelProbability> probabilities(Map<String, Double> probabilities) {
        if (probabilities == null) {
            return null;
        }
        return probabilities.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getValue() != null)
                .map(e -> new HistoryRecord.LabelProbability(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingDouble(HistoryRecord.LabelProbability::probability).reversed())
                .toList();
    }

    static String day(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
