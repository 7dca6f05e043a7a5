package dev.aegis.model.attack;

import java.awt.image.BufferedImage;

import dev.aegis.model.Prediction;
import dev.aegis.model.image.Pixels;

/**
 * Outcome of one attack.
 *
 * @param adversarial       adversarial input in the model's value range (feed it to the model)
 * @param adversarialPixels the same in pixel space [0,1]
 * @param height            image height
 * @param width             image width
 * @param channels          1 or 3
 * @param original          prediction on the clean input
 * @param adversarialPrediction prediction on the adversarial input
 * @param linf              L-inf norm of the perturbation in pixel space (<= epsilon)
 * @param l2                L2 norm of the perturbation in pixel space
 * @param success           untargeted: the label changed from the true one; targeted: the target was reached
 * @param gradientCalls     number of loss-gradient evaluations
 * @param millis            wall time of the attack
 */
public record AttackResult(float[] adversarial, float[] adversarialPixels, int height, int width, int channels,
        Prediction original, Prediction adversarialPrediction, double linf, double l2, boolean success,
        int gradientCalls, long millis) {

    /** The adversarial image as 8-bit pixels (what a PNG stores). */
    public BufferedImage image() {
        return Pixels.toImage(adversarialPixels, height, width, channels);
    }

    public byte[] png() {
        return Pixels.toPng(image());
    }
}
