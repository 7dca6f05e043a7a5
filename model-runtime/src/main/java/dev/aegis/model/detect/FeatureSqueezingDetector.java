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

    public FeatureSqueezingDetector(Classifier model, ModelCard.Detector settings) {
        this.model = model;
        this.settings = settings;
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
        double[] scores = scores(model, inputs, settings.bitDepth(), settings.medianSize());
        List<DetectorVerdict> out = new ArrayList<>(scores.length);
        for (double s : scores) {
            out.add(new DetectorVerdict(s, settings.threshold(), s > settings.threshold()));
        }
        return out;
    }

    /** Scores: three forward passes per batch (input, bit-depth squeezed, median smoothed). */
    public static double[] scores(Classifier model, float[][] inputs, int bitDepth, int medianSize) {
        ModelCard.Input in = model.card().input();
        float[][] reduced = new float[inputs.length][];
        float[][] smoothed = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            float[] pixels = Pixels.toPixelSpace(inputs[i], in);
            reduced[i] = Pixels.fromPixelSpace(reduceBitDepth(pixels, bitDepth), in);
            smoothed[i] = Pixels.fromPixelSpace(median(pixels, in.height(), in.width(), in.channels(), medianSize), in);
        }
        float[][] p0 = model.probabilities(inputs);
        float[][] p1 = model.probabilities(reduced);
        float[][] p2 = model.probabilities(smoothed);
        double[] scores = new double[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            scores[i] = Math.max(l1(p0[i], p1[i]), l1(p0[i], p2[i]));
        }
        return scores;
    }

    /**
     * Threshold such that at most {@code targetFpr} of the clean validation inputs score above it.
     */
    public static ModelCard.Detector calibrate(Classifier model, float[][] cleanValidation, int bitDepth, int medianSize,
            double targetFpr) {
        if (cleanValidation.length == 0) {
            throw new IllegalArgumentException("calibration needs clean validation inputs");
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("targetFpr must be in (0,1)");
        }
        double[] s = scores(model, cleanValidation, bitDepth, medianSize);
        return new ModelCard.Detector(bitDepth, medianSize, thresholdAt(s, targetFpr), targetFpr);
    }

    static double thresholdAt(double[] cleanScores, double targetFpr) {
        double[] sorted = cleanScores.clone();
        Arrays.sort(sorted);
        int allowedAbove = (int) Math.floor(targetFpr * sorted.length);
        // flag = score > threshold, so the threshold is the (n - allowedAbove)-th smallest score
        int idx = Math.max(0, sorted.length - 1 - allowedAbove);
        return sorted[idx];
    }

    static float[] reduceBitDepth(float[] pixels, int bits) {
        float levels = (1 << bits) - 1;
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            float v = Math.min(1f, Math.max(0f, pixels[i]));
            out[i] = Math.round(v * levels) / levels;
        }
        return out;
    }

    /** Median filter of a size x size window per channel, edges replicated (as scipy's 'nearest'). */
    static float[] median(float[] pixels, int h, int w, int c, int size) {
        if (size <= 1) {
            return pixels.clone();
        }
        float[] out = new float[pixels.length];
        float[] window = new float[size * size];
        int lo = -(size - 1) / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    int k = 0;
                    for (int dy = 0; dy < size; dy++) {
                        int yy = Math.min(h - 1, Math.max(0, y + lo + dy));
                        for (int dx = 0; dx < size; dx++) {
                            int xx = Math.min(w - 1, Math.max(0, x + lo + dx));
                            window[k++] = pixels[(yy * w + xx) * c + ch];
                        }
                    }
                    Arrays.sort(window);
                    out[(y * w + x) * c + ch] = window[(window.length - 1) / 2 + (window.length % 2 == 0 ? 1 : 0)];
                }
            }
        }
        return out;
    }

    private static double l1(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }
}
