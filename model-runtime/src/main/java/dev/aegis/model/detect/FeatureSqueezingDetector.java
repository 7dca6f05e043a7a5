package dev.aegis.model.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.aegis.model.Classifier;
import dev.aegis.model.ModelCard;
import dev.aegis.model.image.Pixels;

/**
 * Feature squeezing (Xu, Evans, Qi, NDSS 2018): adversarial perturbations rarely survive bit-depth
 * reduction and median smoothing while clean images barely change, so a large L1 distance between
 * the prediction on the input and on its squeezed versions flags an attack. Thread-safe.
 */
public final class FeatureSqueezingDetector {

    private final Classifier model;
    private final ModelCard.Detector settings;
    private final List<Squeezer> squeezers;

    public FeatureSqueezingDetector(Classifier model, ModelCard.Detector settings) {
        this.model = model;
        this.settings = settings;
        this.squeezers = parse(settings.squeezers());
    }

    /** The detector configured by the model card; fails when the card has no calibrated detector. */
    public static FeatureSqueezingDetector fromCard(Classifier model) {
        ModelCard.Detector d = model.card().detector();
        if (d == null) {
            throw new IllegalStateException("model card of " + model.card().name() + " has no calibrated detector");
        }
        return new FeatureSqueezingDetector(model, d);
    }

    public ModelCard.Detector settings() {
        return settings;
    }

    public DetectorVerdict check(float[] input) {
        return checkBatch(new float[][] {input}).get(0);
    }

    public List<DetectorVerdict> checkBatch(float[][] inputs) {
        double[] scores = scores(model, inputs, squeezers);
        List<DetectorVerdict> out = new ArrayList<>(scores.length);
        for (double s : scores) {
            out.add(new DetectorVerdict(s, settings.threshold(), s > settings.threshold()));
        }
        return out;
    }

    public static List<Squeezer> parse(List<String> specs) {
        return specs.stream().map(Squeezer::parse).toList();
    }

    /** Joint score: the largest L1 distance over the squeezers; one forward pass per squeezer plus one. */
    public static double[] scores(Classifier model, float[][] inputs, List<Squeezer> squeezers) {
        return scores(model, inputs, squeezers, null);
    }

    /**
     * As {@link #scores(Classifier, float[][], List)}, with the model's probabilities on the inputs
     * themselves when the caller already has them (a classifying worker does): one forward pass
     * per squeezer. Null: computed here.
     */
    public static double[] scores(Classifier model, float[][] inputs, List<Squeezer> squeezers, float[][] clean) {
        double[][] d = distances(model, inputs, squeezers, clean);
        double[] scores = new double[inputs.length];
        for (double[] perSqueezer : d) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Math.max(scores[i], perSqueezer[i]);
            }
        }
        return scores;
    }

    /** Scores of the first format: one bit depth and one median size (1 = none). */
    public static double[] scores(Classifier model, float[][] inputs, int bitDepth, int medianSize) {
        return scores(model, inputs, parse(new ModelCard.Detector(bitDepth, medianSize, 0, 0.05).squeezers()));
    }

    /**
     * L1 distance between the softmax output on each input and on its squeezed version, per
     * squeezer: {@code [squeezer][input]}, each in 0..2. Squeezers work in pixel space [0,1].
     */
    public static double[][] distances(Classifier model, float[][] inputs, List<Squeezer> squeezers) {
        return distances(model, inputs, squeezers, null);
    }

    private static double[][] distances(Classifier model, float[][] inputs, List<Squeezer> squeezers, float[][] clean) {
        if (clean != null && clean.length != inputs.length) {
            throw new IllegalArgumentException(clean.length + " rows of probabilities for " + inputs.length + " inputs");
        }
        ModelCard.Input in = model.card().input();
        float[][] p0 = clean != null ? clean : model.probabilities(inputs);
        float[][] pixels = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            pixels[i] = Pixels.toPixelSpace(inputs[i], in);
        }
        double[][] out = new double[squeezers.size()][inputs.length];
        for (int s = 0; s < squeezers.size(); s++) {
            float[][] squeezed = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                squeezed[i] = Pixels.fromPixelSpace(
                        squeezers.get(s).squeeze(pixels[i], in.height(), in.width(), in.channels()), in);
            }
            float[][] p = model.probabilities(squeezed);
            for (int i = 0; i < inputs.length; i++) {
                out[s][i] = l1(p0[i], p[i]);
            }
        }
        return out;
    }

    /**
     * Threshold such that at most {@code targetFpr} of the clean validation inputs score above it.
     */
    public static ModelCard.Detector calibrate(Classifier model, float[][] cleanValidation, List<Squeezer> squeezers,
            double targetFpr) {
        if (cleanValidation.length == 0) {
            throw new IllegalArgumentException("calibration needs clean validation inputs");
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("targetFpr must be in (0,1)");
        }
        double[] s = scores(model, cleanValidation, squeezers);
        return new ModelCard.Detector(squeezers.stream().map(Squeezer::spec).toList(), thresholdAt(s, targetFpr),
                targetFpr);
    }

    /** Calibration of the first format: one bit depth and one median size (1 = none). */
    public static ModelCard.Detector calibrate(Classifier model, float[][] cleanValidation, int bitDepth, int medianSize,
            double targetFpr) {
        return calibrate(model, cleanValidation,
                parse(new ModelCard.Detector(bitDepth, medianSize, 0, 0.05).squeezers()), targetFpr);
    }

    /** Threshold (flag = score above it) such that at most {@code targetFpr} of the clean scores are above it. */
    public static double thresholdAt(double[] cleanScores, double targetFpr) {
        double[] sorted = cleanScores.clone();
        Arrays.sort(sorted);
        int allowedAbove = (int) Math.floor(targetFpr * sorted.length);
        // flag = score > threshold, so the threshold is the (n - allowedAbove)-th smallest score
        int idx = Math.max(0, sorted.length - 1 - allowedAbove);
        return sorted[idx];
    }

    static float[] reduceBitDepth(float[] pixels, int bits) {
        return new Squeezer.BitDepth(bits).squeeze(pixels, 1, pixels.length, 1);
    }

    static float[] median(float[] pixels, int h, int w, int c, int size) {
        return size <= 1 ? pixels.clone() : new Squeezer.Median(size).squeeze(pixels, h, w, c);
    }

    private static double l1(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }
}
