package dev.aegis.adversarial.attack;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.aegis.events.AttackCompleted;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Timings;

/** An attack as the API shows it to its owner. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttackView(
        String id,
        AttackRecord.Status status,
        String imageId,
        AttackParameters parameters,
        AttackCompleted.LabelScore original,
        AttackCompleted.LabelScore adversarial,
        Boolean success,
        Double linf,
        Double l2,
        DetectorVerdict detector,
        ModelRef model,
        Timings timings,
        String error,
        Instant createdAt,
        Instant completedAt,
        Links links) {

    /** Where to download the images once the attack is DONE. */
    public record Links(String self, String image, String perturbation) {
    }

    static AttackView of(AttackRecord r) {
        String self = "/api/attacks/" + r.id();
        Links links = r.status() == AttackRecord.Status.DONE
                ? new Links(self, self + "/image", self + "/perturbation") : new Links(self, null, null);
        return new AttackView(r.id(), r.status(), r.imageId(), r.parameters(), r.original(), r.adversarial(),
                r.success(), r.linf(), r.l2(), r.detector(), r.model(), r.timings(), r.error(), r.createdAt(),
                r.completedAt(), links);
    }
}
