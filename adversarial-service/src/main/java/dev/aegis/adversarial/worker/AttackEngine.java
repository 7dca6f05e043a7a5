package dev.aegis.adversarial.worker;

import java.awt.image.BufferedImage;
import java.util.Optional;

import dev.aegis.events.AttackParameters;
import dev.aegis.model.Classifier;
import dev.aegis.model.ModelCard;
import dev.aegis.model.attack.AttackMethod;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;
import dev.aegis.model.attack.InvalidAttackException;
import dev.aegis.model.detect.DetectorVerdict;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.image.Pixels;

/**
 * One attack on one decoded image, as the worker runs it. The adversarial image is quantised to
 * 8 bits inside the epsilon ball before anything is measured, so the norms, predictions and
 * detector verdict describe exactly the PNG the user downloads (rounding alone could push a pixel
 * half a grey level outside the ball or undo a weak attack).
 */
public final class AttackEngine {

    private AttackEngine() {
    }

    /** What the worker stores and reports. */
    public record Outcome(int originalIndex, String originalLabel, double originalConfidence,
                          int adversarialIndex, String adversarialLabel, double adversarialConfidence,
                          boolean success, double linf, double l2, DetectorVerdict detector,
                          byte[] adversarialPng, byte[] perturbationPng, int gradientCalls) {
    }

    /** The runtime's spec for validated API parameters; {@code seed} fixes PGD's random start. */
    public static AttackSpec spec(AttackParameters p, long seed) {
        AttackMethod method = AttackMethod.valueOf(p.method());
        int steps = method == AttackMethod.FGSM || p.steps() == null ? 1 : p.steps();
        double stepSize = p.stepSize() != null ? p.stepSize() : AttackSpec.defaultStepSize(p.epsilon(), steps);
        boolean randomStart = p.randomStart() != null ? p.randomStart() : method == AttackMethod.PGD;
        return new AttackSpec(method, p.epsilon(), steps, Math.max(stepSize, 1e-6), randomStart,
                Optional.ofNullable(p.targetLabel()), seed);
    }

    /**
     * @param detector the model's calibrated detector, or null when its card has none
     */
    public static Outcome run(Classifier model, AdversarialDetector detector, BufferedImage image,
                              AttackSpec spec) {
        ModelCard card = model.card();
        ModelCard.Input in = card.input();
        // the clean image on the 8-bit grid too (grey models' luma is not), so that it is exactly
        // what an 8-bit file of it holds and every ball around it contains 8-bit levels
        float[] clean = to8Bit(Pixels.toPixelSpace(Pixels.preprocess(image, in), in));
        float[] input = Pixels.fromPixelSpace(clean.clone(), in);
        int target = -1;
        if (spec.targetLabel().isPresent()) {
            target = card.labelIndex(spec.targetLabel().get());
            if (target < 0) {
                throw new InvalidAttackException("the active model " + card.name() + ":" + card.version()
                        + " has no label '" + spec.targetLabel().get() + "' (labels: " + card.labels() + ")");
            }
        }
        // untargeted attacks push away from what the model says on the clean image: the truth is unknown here
        float[] cleanProbs = model.probabilities(new float[][] {input})[0];
        int original = argMax(cleanProbs);
        Attacker.Perturbation perturbation = Attacker.perturb(model, new float[][] {input}, new int[] {original},
                spec, target);

        float[] adv = quantizeInBall(perturbation.pixels()[0], clean, (float) spec.epsilon());
        float[] advInput = Pixels.fromPixelSpace(adv.clone(), in);
        float[] advProbs = model.probabilities(new float[][] {advInput})[0];
        int adversarial = argMax(advProbs);
        // the detector compares against advProbs: no second forward pass on the adversarial image
        DetectorVerdict verdict = detector == null ? null
                : detector.checkBatch(new float[][] {advInput}, new float[][] {advProbs}).get(0);

        double linf = 0;
        double l2 = 0;
        for (int j = 0; j < clean.length; j++) {
            // on the 8-bit levels, in double: 51 levels are exactly 0.2, not 0.2 plus float noise
            double d = (Math.round(adv[j] * 255f) - Math.round(clean[j] * 255f)) / 255.0;
            linf = Math.max(linf, Math.abs(d));
            l2 += d * d;
        }
        boolean success = target >= 0 ? adversarial == target : adversarial != original;
        byte[] png = Pixels.toPng(Pixels.toImage(adv, in.height(), in.width(), in.channels()));
        byte[] perturbationPng = Pixels.toPng(Pixels.toImage(amplify(adv, clean, spec.epsilon()),
                in.height(), in.width(), in.channels()));
        return new Outcome(original, card.labels().get(original), cleanProbs[original],
                adversarial, card.labels().get(adversarial), advProbs[adversarial], success, linf, Math.sqrt(l2),
                verdict, png, perturbationPng, perturbation.gradientCalls());
    }

    /**
     * Rounds each pixel to the nearest 8-bit level that stays inside [clean - eps, clean + eps] and
     * [0, 1]. Clean pixels come from an 8-bit image, so such a level always exists.
     */
    static float[] quantizeInBall(float[] pixels, float[] clean, float eps) {
        float[] out = new float[pixels.length];
        for (int j = 0; j < pixels.length; j++) {
            float c = Math.min(1f, Math.max(0f, clean[j]));
            int lo = (int) Math.ceil((c - eps) * 255f - 1e-3f);
            int hi = (int) Math.floor((c + eps) * 255f + 1e-3f);
            lo = Math.max(0, lo);
            hi = Math.min(255, hi);
            int q = Math.round(Math.min(1f, Math.max(0f, pixels[j])) * 255f);
            q = Math.max(lo, Math.min(hi, q));
            out[j] = q / 255f;
        }
        return out;
    }

    static float[] to8Bit(float[] pixels) {
        float[] out = new float[pixels.length];
        for (int j = 0; j < pixels.length; j++) {
            out[j] = Math.round(Math.min(1f, Math.max(0f, pixels[j])) * 255f) / 255f;
        }
        return out;
    }

    /** Perturbation for viewing: mid-grey is "unchanged", black and white are -eps and +eps. */
    static float[] amplify(float[] adv, float[] clean, double eps) {
        float[] out = new float[adv.length];
        for (int j = 0; j < adv.length; j++) {
            out[j] = eps <= 0 ? 0.5f : (float) (0.5 + (adv[j] - clean[j]) / (2 * eps));
        }
        return out;
    }

    static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
