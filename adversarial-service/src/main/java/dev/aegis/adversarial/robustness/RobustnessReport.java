package dev.aegis.adversarial.robustness;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Accuracy and attack success rate against epsilon.
 *
 * @param accuracyBasis {@code declared-labels} when every image came with its true label,
 *                      otherwise {@code clean-predictions}: accuracy then means "the adversarial
 *                      prediction still equals the model's prediction on the clean image"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RobustnessReport(
        String id,
        Status status,
        String method,
        Integer steps,
        Double stepSize,
        Boolean randomStart,
        int images,
        String accuracyBasis,
        List<Point> points,
        Instant createdAt) {

    public enum Status { RUNNING, DONE }

    /**
     * Figures at one epsilon, over the attacks finished so far.
     *
     * @param accuracy    fraction classified correctly (see accuracyBasis), null while nothing finished
     * @param successRate fraction of attacks the worker judged successful
     * @param flaggedRate fraction of adversarial images the detector flagged
     */
    public record Point(double epsilon, int attacks, int completed, int failed, Double accuracy,
                        Double successRate, Double flaggedRate, Double meanLinf, Double meanL2) {
    }
}
