package dev.aegis.model.train;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import dev.aegis.model.Classifier;
import dev.aegis.model.ModelCard;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;
import dev.aegis.model.detect.AdversarialDetector;

/**
 * Trains a learned adversarial-example detector (Metzen et al. 2017, Gong et al. 2017): a small
 * binary network, clean vs adversarial, on clean images and adversarial versions of them made
 * against the classifier with FGSM and PGD at epsilons drawn uniformly from a range (so it is not
 * tuned to one attack strength). It sees the classifier only through the examples; it is not
 * robust to an attacker who also attacks the detector (Carlini and Wagner 2017).
 */
public final class DetectorTrainer {

    /**
     * @param images     clean training images used (each also gives one adversarial example)
     * @param minEpsilon smallest attack epsilon (pixel space)
     * @param maxEpsilon largest attack epsilon
     * @param pgdShare   share of the adversarial examples made with PGD (the others FGSM)
     * @param maxPgdSteps PGD steps are drawn from 3..maxPgdSteps
     * @param epochs     maximum epochs of the detector network
     * @param seed       seed of the image choice, the attacks and the network
     * @param threads    TensorFlow intra-op threads of the detector network (0 = all cores)
     */
    public record Settings(int images, double minEpsilon, double maxEpsilon, double pgdShare, int maxPgdSteps,
            int epochs, long seed, int threads) {
        public Settings {
            if (images < 1 || !(minEpsilon > 0) || !(maxEpsilon >= minEpsilon) || maxEpsilon > 1 || pgdShare < 0
                    || pgdShare > 1 || maxPgdSteps < 3 || epochs < 1 || threads < 0) {
                throw new IllegalArgumentException("invalid detector training settings: " + this);
            }
        }

        /** 15,000 images, eps 0.02..0.15, half FGSM and half PGD-3..10, 3 epochs. */
        public static Settings defaults(long seed, int threads) {
            return new Settings(15_000, 0.02, 0.15, 0.5, 10, 3, seed, threads);
        }

        public Settings withImages(int n) {
            return new Settings(n, minEpsilon, maxEpsilon, pgdShare, maxPgdSteps, epochs, seed, threads);
        }

        public Settings withEpochs(int e) {
            return new Settings(images, minEpsilon, maxEpsilon, pgdShare, maxPgdSteps, e, seed, threads);
        }

        /** For the card: how the adversarial examples were made. */
        public String describe() {
            return String.format(java.util.Locale.ROOT,
                    "clean vs adversarial: FGSM (%.0f%%) and PGD-3..%d (%.0f%%), eps uniform in [%s, %s], %d images",
                    100 * (1 - pgdShare), maxPgdSteps, 100 * pgdShare, minEpsilon, maxEpsilon, images);
        }
    }

    /** Images per attack call: every chunk draws its own method and epsilon. */
    static final int CHUNK = 32;

    private DetectorTrainer() {
    }

    /**
     * Adversarial versions of {@code x} against {@code model} (untargeted, true labels {@code y}),
     * in chunks with a random method and epsilon each.
     */
    public static float[][] adversarial(Classifier model, float[][] x, int[] y, Settings s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[x.length][];
        for (int from = 0; from < x.length; from += CHUNK) {
            int to = Math.min(x.length, from + CHUNK);
            double eps = s.minEpsilon() + r.nextDouble() * (s.maxEpsilon() - s.minEpsilon());
            AttackSpec spec = r.nextDouble() < s.pgdShare()
                    ? AttackSpec.pgd(eps, 3 + r.nextInt(s.maxPgdSteps() - 2), r.nextLong())
                    : AttackSpec.fgsm(eps);
            float[][] adv = Attacker.perturb(model, Arrays.copyOfRange(x, from, to), Arrays.copyOfRange(y, from, to),
                    spec, -1).adversarial();
            System.arraycopy(adv, 0, out, from, to - from);
        }
        return out;
    }

    /** Clean images (label 0) and their adversarial versions (label 1), interleaved. */
    public static Dataset detectorData(Classifier model, Dataset data, Settings s, long seed) {
        float[][] adv = adversarial(model, data.x(), data.y(), s, seed);
        float[][] x = new float[2 * data.size()][];
        int[] y = new int[x.length];
        for (int i = 0; i < data.size(); i++) {
            x[2 * i] = data.x()[i];
            x[2 * i + 1] = adv[i];
            y[2 * i + 1] = 1;
        }
        return new Dataset(x, y, data.height(), data.width(), data.channels(), AdversarialDetector.LEARNED_LABELS);
    }

    /** A seeded random subset of at most {@code n} images. */
    public static Dataset sample(Dataset data, int n, long seed) {
        if (n >= data.size()) {
            return data;
        }
        int[] p = Fitter.permutation(data.size(), new SplittableRandom(seed));
        return data.subset(Arrays.copyOf(p, n));
    }

    /** The card of the detector network of {@code model}: same input, labels clean / adversarial. */
    public static ModelCard card(ModelCard model, Settings s) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("detectorOf", model.name() + ":" + model.version());
        training.put("examples", s.describe());
        return new ModelCard(model.name() + "-detector", model.version(), AdversarialDetector.LEARNED_LABELS,
                model.input(), ModelCard.Signatures.DEFAULT, training, model.dataset(), Map.of(), null, Instant.now());
    }

    /** Compact CNN, Adam 1e-3, dropout 0.3, L2 1e-4, EarlyStopping patience 2. */
    public static TrainingConfig config(Settings s) {
        return new TrainingConfig(Architecture.COMPACT_CNN, s.epochs(), 64, 1e-3, 1e-4, 0.3, s.seed(), 1, 0.5, 1e-5,
                2, TrainingConfig.AdversarialTraining.NONE, 0.1, 0.5, 7, s.threads());
    }

    /**
     * Makes the examples from {@code train} and {@code validation} (clean images of the classifier's
     * data; the validation ones drive EarlyStopping) and trains the detector network. The caller
     * owns (closes) the returned network.
     */
    public static TrainableNetwork train(Classifier model, Dataset train, Dataset validation, Settings s,
            Fitter.Listener listener) {
        Dataset trainSet = detectorData(model, sample(train, s.images(), s.seed()), s, s.seed() + 1);
        Dataset valSet = detectorData(model, validation, s, s.seed() + 2);
        TrainableNetwork net = new TrainableNetwork(card(model.card(), s), config(s));
        try {
            Fitter.fit(net, trainSet, valSet, Fitter.Augmenter.NONE, listener);
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** Probability of "adversarial" for each input. */
    public static double[] scores(Classifier detector, float[][] inputs) {
        float[][] p = detector.probabilities(inputs);
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i][1];
        }
        return out;
    }
}
