package dev.aegis.model.attack;

import java.util.List;
import java.util.SplittableRandom;

import dev.aegis.model.Classifier;
import dev.aegis.model.ModelCard;
import dev.aegis.model.Prediction;
import dev.aegis.model.image.Pixels;

/**
 * FGSM / BIM / PGD in pixel space [0,1]. The model's input range is mapped to pixel space, every
 * step is projected on the epsilon ball around the clean image and clipped to [0,1], then mapped
 * back. Stateless and thread-safe.
 */
public final class Attacker {

    private Attacker() {
    }

    /**
     * Attacks one input.
     *
     * @param model     the model under attack
     * @param input     clean input in the model's value range
     * @param label     index of the true label (or the predicted one when the truth is unknown)
     * @param spec      the attack
     */
    public static AttackResult run(Classifier model, float[] input, int label, AttackSpec spec) {
        return runBatch(model, new float[][] {input}, new int[] {label}, spec).get(0);
    }

    /** Attacks one input whose true label is given by name. */
    public static AttackResult run(Classifier model, float[] input, String label, AttackSpec spec) {
        int index = model.card().labelIndex(label);
        if (index < 0) {
            throw new InvalidAttackException("unknown label '" + label + "' (labels: " + model.card().labels() + ")");
        }
        return run(model, input, index, spec);
    }

    /** Attacks a batch: one gradient call per step for the whole batch. */
    public static List<AttackResult> runBatch(Classifier model, float[][] inputs, int[] labels, AttackSpec spec) {
        long start = System.nanoTime();
        ModelCard card = model.card();
        int target = -1;
        if (spec.targetLabel().isPresent()) {
            target = card.labelIndex(spec.targetLabel().get());
            if (target < 0) {
                throw new InvalidAttackException("unknown target label '" + spec.targetLabel().get() + "' (labels: "
                        + card.labels() + ")");
            }
        }
        for (int l : labels) {
            if (l < 0 || l >= card.labels().size()) {
                throw new InvalidAttackException("label index out of range: " + l);
            }
        }
        float[][] originalProbs = model.probabilities(inputs);
        Perturbation p = perturb(model, inputs, labels, spec, target);
        float[][] advProbs = model.probabilities(p.adversarial());
        long millis = (System.nanoTime() - start) / 1_000_000;
        ModelCard.Input in = card.input();
        List<AttackResult> out = new java.util.ArrayList<>(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            Prediction orig = predictionOf(originalProbs[i], card);
            Prediction adv = predictionOf(advProbs[i], card);
            float[] clean = Pixels.toPixelSpace(inputs[i], in);
            float[] advPixels = p.pixels()[i];
            double linf = 0;
            double l2 = 0;
            for (int j = 0; j < clean.length; j++) {
                double d = advPixels[j] - clean[j];
                linf = Math.max(linf, Math.abs(d));
                l2 += d * d;
            }
            boolean success = target >= 0 ? adv.index() == target : adv.index() != labels[i];
            out.add(new AttackResult(p.adversarial()[i], advPixels, in.height(), in.width(), in.channels(), orig, adv,
                    linf, Math.sqrt(l2), success, p.gradientCalls(), millis));
        }
        return out;
    }

    /** The adversarial inputs and their pixel-space form. */
    public record Perturbation(float[][] adversarial, float[][] pixels, int gradientCalls) {
    }

    /**
     * Only the perturbation, without predictions: what adversarial training and robustness
     * evaluation call in their loops.
     *
     * @param target target label index for a targeted attack, or -1
     */
    public static Perturbation perturb(Classifier model, float[][] inputs, int[] labels, AttackSpec spec, int target) {
        ModelCard.Input in = model.card().input();
        float span = (float) (in.valueMax() - in.valueMin());
        float eps = (float) spec.epsilon();
        int n = inputs.length;
        float[][] clean = new float[n][];
        float[][] current = new float[n][];
        for (int i = 0; i < n; i++) {
            clean[i] = clip01(Pixels.toPixelSpace(inputs[i], in));
            current[i] = clean[i].clone();
        }
        int[] gradLabels = labels.clone();
        float direction = 1f;
        if (target >= 0) {
            java.util.Arrays.fill(gradLabels, target);
            direction = -1f; // descend the loss of the target label
        }
        if (eps == 0f) {
            return new Perturbation(toModel(current, in), current, 0);
        }
        if (spec.randomStart()) {
            SplittableRandom random = new SplittableRandom(spec.seed());
            for (float[] x : current) {
                for (int j = 0; j < x.length; j++) {
                    x[j] += (float) ((random.nextDouble() * 2 - 1) * eps);
                }
            }
            project(current, clean, eps);
        }
        float step = spec.method() == AttackMethod.FGSM ? eps : (float) spec.stepSize();
        int calls = 0;
        for (int s = 0; s < spec.steps(); s++) {
            float[][] g = model.inputGradient(toModel(current, in), gradLabels);
            calls++;
            for (int i = 0; i < n; i++) {
                float[] x = current[i];
                float[] grad = g[i];
                for (int j = 0; j < x.length; j++) {
                    // d loss / d pixel = span * d loss / d input: same sign since span > 0
                    float gj = grad[j] * span;
                    x[j] += direction * step * Math.signum(gj);
                }
            }
            project(current, clean, eps);
        }
        return new Perturbation(toModel(current, in), current, calls);
    }

    private static void project(float[][] current, float[][] clean, float eps) {
        for (int i = 0; i < current.length; i++) {
            float[] x = current[i];
            float[] c = clean[i];
            for (int j = 0; j < x.length; j++) {
                float lo = Math.max(0f, c[j] - eps);
                float hi = Math.min(1f, c[j] + eps);
                x[j] = Math.min(hi, Math.max(lo, x[j]));
            }
        }
    }

    private static float[] clip01(float[] x) {
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.min(1f, Math.max(0f, x[j]));
        }
        return x;
    }

    private static float[][] toModel(float[][] pixels, ModelCard.Input in) {
        float[][] out = new float[pixels.length][];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = Pixels.fromPixelSpace(pixels[i].clone(), in);
        }
        return out;
    }

    private static Prediction predictionOf(float[] probs, ModelCard card) {
        int best = 0;
        for (int i = 1; i < probs.length; i++) {
            if (probs[i] > probs[best]) {
                best = i;
            }
        }
        return new Prediction(best, card.labels().get(best), probs[best], probs, card.labels());
    }
}
