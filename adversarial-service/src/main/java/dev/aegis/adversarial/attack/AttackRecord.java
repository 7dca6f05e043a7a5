package dev.aegis.adversarial.attack;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.aegis.events.AttackCompleted;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Timings;

/**
 * One attack in collection {@code attacks}, keyed by the attack id. Written PENDING by the API,
 * completed by an idempotent update when the worker's result arrives.
 *
 * @param reportId  robustness report this attack belongs to, or null
 * @param trueLabel label the caller declared for the image (robustness reports), or null
 */
@Document("attacks")
public record AttackRecord(
        @Id String id,
        @Indexed String userId,
        String imageId,
        String imageKey,
        AttackParameters parameters,
        @Indexed String reportId,
        String trueLabel,
        String correlationId,
        Status status,
        Instant createdAt,
        Instant completedAt,
        String resultEventId,
        AttackCompleted.LabelScore original,
        AttackCompleted.LabelScore adversarial,
        Boolean success,
        Double linf,
        Double l2,
        ModelRef model,
        DetectorVerdict detector,
        Timings timings,
        String adversarialKey,
        String perturbationKey,
        String error) {

    public enum Status { PENDING, DONE, FAILED }

    public static AttackRecord pending(String id, String userId, String imageId, String imageKey,
                                       AttackParameters parameters, String reportId, String trueLabel,
                                       String correlationId) {
        return new AttackRecord(id, userId, imageId, imageKey, parameters, reportId, trueLabel, correlationId,
                Status.PENDING, Instant.now(), null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }
}
