package dev.aegis.adversarial.robustness;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.aegis.events.AttackParameters;

/**
 * A robustness report in collection {@code robustness}: one attack per image and epsilon, all
 * carrying this report's id. The figures are aggregated from the attack records when read.
 */
@Document("robustness")
public record ReportRecord(
        @Id String id,
        @Indexed String userId,
        AttackParameters parameters,
        List<Double> epsilons,
        List<ImageRef> images,
        int attacks,
        Instant createdAt) {

    /** An image of the report and, optionally, its true label. */
    public record ImageRef(String imageId, String label) {
    }
}
