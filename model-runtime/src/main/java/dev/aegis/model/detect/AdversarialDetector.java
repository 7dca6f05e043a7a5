package dev.aegis.model.detect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.aegis.model.Classifier;
import dev.aegis.model.InvalidModelException;
import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;

/**
 * The detector the services use: feature squeezing, a learned detector network (clean vs
 * adversarial, trained by the trainer), or both, as the model card says. With a learned part the
 * verdict's score is {@code max(squeeze / squeezeThreshold, learned / learnedThreshold)} and its
 * threshold 1.0 (flagged when either part flags); squeeze-only cards keep the raw L1 score and its
 * threshold, as before. Thread-safe; {@link #close()} frees the learned network's native memory
 * when this detector loaded it.
 */
public final class AdversarialDetector implements AutoCloseable {

    /** Labels of a learned detector network: index 1 is the score. */
    public static final List<String> LEARNED_LABELS = List.of("clean", "adversarial");

    /**
     * Component scores of one input.
     *
     * @param squeeze  feature-squeezing L1 score (0..2; 0 without squeezers)
     * @param learned  the learned network's probability of "adversarial" (NaN without a learned part)
     * @param combined the verdict's score
     */
    public record Scores(double squeeze, double learned, double combined) {
    }

    private final Classifier model;
    private final ModelCard.Detector settings;
    private final List<Squeezer> squeezers;
    private final Classifier learned;
    private final boolean ownsLearned;

    /**
     * @param learned the learned detector network, required when {@code settings.learned()} is set;
     *                not closed by {@link #close()} (the caller owns it)
     */
    public AdversarialDetector(Classifier model, ModelCard.Detector settings, Classifier learned) {
        this(model, settings, learned, false);
    }

    private AdversarialDetector(Classifier model, ModelCard.Detector settings, Classifier learned,
            boolean ownsLearned) {
        this.model = model;
        this.settings = settings;
        this.squeezers = FeatureSqueezingDetector.parse(settings.squeezers());
        if (settings.learned() != null && learned == null) {
            throw new IllegalArgumentException("the detector settings have a learned part but no network was given");
        }
        this.learned = settings.learned() == null ? null : learned;
        if (this.learned != null) {
            requireCompatible(model.card(), this.learned.card());
        }
        this.ownsLearned = ownsLearned;
    }

    /**
     * The detector configured by the loaded model's card, loading the learned network from its
     * sub-folder with the model's runtime options; null when the card has no detector.
     *
     * @throws InvalidModelException when the card names a learned detector folder that is missing or
     *                               does not hold a compatible detector SavedModel
     */
    public static AdversarialDetector fromCard(Model model) {
        ModelCard.Detector d = model.card().detector();
        if (d == null) {
            return null;
        }
        if (d.learned() == null) {
            return new AdversarialDetector(model, d, null, false);
        }
        Path dir = model.directory().resolve(d.learned().path()).normalize();
        if (!dir.startsWith(model.directory().normalize()) || !Files.isDirectory(dir)) {
            throw new InvalidModelException("model card of " + model.card().name() + ":" + model.card().version()
                    + " references a learned detector in '" + d.learned().path() + "/' but " + dir
                    + " does not exist (was the whole model folder copied?)");
        }
        Model net = Model.load(dir, model.options());
        try {
            return new AdversarialDetector(model, d, net, true);
        } catch (RuntimeException e) {
            net.close();
            throw e instanceof InvalidModelException ? e
                    : new InvalidModelException("learned detector in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void requireCompatible(ModelCard model, ModelCard detector) {
        if (!detector.labels().equals(LEARNED_LABELS)) {
            throw new InvalidModelException("a learned detector must have the labels " + LEARNED_LABELS + ", "
                    + detector.name() + " has " + detector.labels());
        }
        ModelCard.Input a = model.input();
        ModelCard.Input b = detector.input();
        if (a.height() != b.height() || a.width() != b.width() || a.channels() != b.channels()
                || a.valueMin() != b.valueMin() || a.valueMax() != b.valueMax()) {
            throw new InvalidModelException("the learned detector's input " + b + " differs from the model's " + a);
        }
    }

    public ModelCard.Detector settings() {
        return settings;
    }

    public boolean hasLearned() {
        return learned != null;
    }

    public boolean hasSqueezers() {
        return !squeezers.isEmpty();
    }

    public DetectorVerdict check(float[] input) {
        return checkBatch(new float[][] {input}).get(0);
    }

    public List<DetectorVerdict> checkBatch(float[][] inputs) {
        return checkBatch(inputs, null);
    }

    /**
     * Verdicts of a batch the caller has just classified: {@code clean} holds the model's
     * probabilities on {@code inputs}, so feature squeezing does not repeat that forward pass.
     */
    public List<DetectorVerdict> checkBatch(float[][] inputs, float[][] clean) {
        List<Scores> scores = scores(inputs, clean);
        double threshold = threshold();
        List<DetectorVerdict> out = new ArrayList<>(scores.size());
        for (Scores s : scores) {
            out.add(new DetectorVerdict(s.combined(), threshold, s.combined() > threshold));
        }
        return out;
    }

    /** The verdicts' threshold: 1.0 with a learned part, else the squeezing threshold. */
    public double threshold() {
        return learned == null ? settings.threshold() : 1.0;
    }

    /** Component and combined scores; one forward pass per squeezer plus one, plus one of the detector network. */
    public List<Scores> scores(float[][] inputs) {
        return scores(inputs, null);
    }

    /** As {@link #scores(float[][])}, given the model's probabilities on the inputs (null: computed here). */
    public List<Scores> scores(float[][] inputs, float[][] clean) {
        double[] sq = squeezers.isEmpty() ? new double[inputs.length]
                : FeatureSqueezingDetector.scores(model, inputs, squeezers, clean);
        double[] ln = new double[inputs.length];
        if (learned == null) {
            Arrays.fill(ln, Double.NaN);
        } else {
            float[][] p = learned.probabilities(inputs);
            for (int i = 0; i < p.length; i++) {
                ln[i] = p[i][1];
            }
        }
        List<Scores> out = new ArrayList<>(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            double combined = learned == null ? sq[i]
                    : combine(squeezers.isEmpty() ? Double.NaN : sq[i], settings.threshold(), ln[i],
                            settings.learned().threshold());
            out.add(new Scores(sq[i], ln[i], combined));
        }
        return out;
    }

    /**
     * {@code max(squeeze / squeezeThreshold, learned / learnedThreshold)}: above 1 exactly when a part
     * is above its threshold. NaN parts are absent. A zero threshold flags any positive score.
     */
    public static double combine(double squeeze, double squeezeThreshold, double learned, double learnedThreshold) {
        return Math.max(ratio(squeeze, squeezeThreshold), ratio(learned, learnedThreshold));
    }

    private static double ratio(double score, double threshold) {
        if (Double.isNaN(score)) {
            return 0;
        }
        if (threshold > 0) {
            return score / threshold;
        }
        return score > threshold ? 1 + score : 0;
    }

    /** Thresholds of a combined detector and what they flag on the calibration data. */
    public record Calibration(double squeezeThreshold, double learnedThreshold, double cleanFpr, double adversarialTpr,
            double learnedShare) {
    }

    /**
     * Calibrates both thresholds on clean validation scores so that the union of both flags stays
     * within {@code targetFpr} of the clean images: the budget is split between the parts in steps
     * of a tenth (the learned part's share first, the squeezing part takes what is left on the
     * images the learned part does not flag), and the split that flags most of the adversarial
     * validation scores wins (ties: the larger learned share).
     *
     * @param cleanSqueeze squeezing scores of clean validation images (null = no squeezing part)
     * @param cleanLearned learned scores of the same images
     * @param advSqueeze   squeezing scores of adversarial validation images (null = no squeezing part)
     * @param advLearned   learned scores of the same adversarial images
     */
    public static Calibration calibrate(double[] cleanSqueeze, double[] cleanLearned, double[] advSqueeze,
            double[] advLearned, double targetFpr) {
        if (cleanLearned.length == 0) {
            throw new IllegalArgumentException("calibration needs clean validation scores");
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("targetFpr must be in (0,1)");
        }
        int n = cleanLearned.length;
        int budget = (int) Math.floor(targetFpr * n);
        Calibration best = null;
        for (int step = 10; step >= 0; step--) {
            double share = step / 10.0;
            if (cleanSqueeze == null && step != 10) {
                break;
            }
            double tl = FeatureSqueezingDetector.thresholdAt(cleanLearned, share * targetFpr);
            double ts = Double.MAX_VALUE;
            if (cleanSqueeze != null) {
                int flaggedByLearned = 0;
                List<Double> rest = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (cleanLearned[i] > tl) {
                        flaggedByLearned++;
                    } else {
                        rest.add(cleanSqueeze[i]);
                    }
                }
                int allowed = budget - flaggedByLearned;
                double[] r = rest.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                // flag = score > threshold: at most `allowed` of the remaining scores may be above it
                ts = r.length == 0 ? 0 : r[Math.max(0, r.length - 1 - Math.max(0, allowed))];
            }
            double fpr = unionRate(cleanSqueeze, ts, cleanLearned, tl);
            double tpr = unionRate(advSqueeze, ts, advLearned, tl);
            if (best == null || tpr > best.adversarialTpr() + 1e-12) {
                best = new Calibration(ts, tl, fpr, tpr, share);
            }
        }
        return best;
    }

    /** Share of inputs flagged by either part (squeeze > ts or learned > tl). */
    public static double unionRate(double[] squeeze, double ts, double[] learned, double tl) {
        if (learned.length == 0) {
            return 0;
        }
        int flagged = 0;
        for (int i = 0; i < learned.length; i++) {
            if (learned[i] > tl || (squeeze != null && squeeze[i] > ts)) {
                flagged++;
            }
        }
        return (double) flagged / learned.length;
    }

    @Override
    public void close() {
        if (ownsLearned && learned instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the learned detector", e);
            }
        }
    }
}
