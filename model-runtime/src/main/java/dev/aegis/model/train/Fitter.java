package dev.aegis.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;

/**
 * The training loop: seeded shuffling, augmentation, adversarial examples mixed into each batch,
 * Adam, ReduceLROnPlateau and EarlyStopping on the validation loss with best-weights restore.
 */
public final class Fitter {

    /** Augments a batch in place (pixel space); must only use {@code random} for randomness. */
    @FunctionalInterface
    public interface Augmenter {
        float[][] augment(float[][] batch, Dataset data, SplittableRandom random);

        Augmenter NONE = (batch, data, random) -> batch;
    }

    /** Progress callbacks (the command line draws a progress bar). */
    public interface Listener {
        default void onBatch(int epoch, int batch, int batches, double loss, double accuracy) {
        }

        default void onEpoch(EpochStats stats) {
        }

        Listener NONE = new Listener() {
        };
    }

    /**
     * @param valLoss          the monitored validation loss: clean, or with adversarial training the
     *                         training mixture ({@code 1 - ratio} clean + {@code ratio} PGD-5 attacked)
     * @param valAccuracy      clean validation accuracy
     * @param valAdvAccuracy   accuracy of the first 1,000 validation images under PGD-5 at the training
     *                         epsilon (NaN without adversarial training)
     */
    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
            double valAdvAccuracy, double learningRate, double seconds, boolean improved) {
    }

    public record History(List<EpochStats> epochs, int bestEpoch, boolean stoppedEarly, double totalSeconds) {
    }

    public record Evaluation(double loss, double accuracy, int[] predicted) {
    }

    private Fitter() {
    }

    public static History fit(TrainableNetwork net, Dataset train, Dataset validation, Augmenter augmenter,
            Listener listener) {
        TrainingConfig cfg = net.config();
        SplittableRandom random = new SplittableRandom(cfg.seed() ^ 0x5DEECE66DL);
        int n = train.size();
        int batches = (n + cfg.batchSize() - 1) / cfg.batchSize();
        double lr = cfg.learningRate();
        double bestLoss = Double.POSITIVE_INFINITY;
        float[][] bestWeights = null;
        int bestEpoch = 0;
        int sinceBest = 0;
        int sinceLrDrop = 0;
        boolean stoppedEarly = false;
        List<EpochStats> history = new ArrayList<>();
        boolean adversarial = cfg.adversarial() != TrainingConfig.AdversarialTraining.NONE && cfg.advRatio() > 0;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            int[] order = permutation(n, random);
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * cfg.batchSize();
                int to = Math.min(n, from + cfg.batchSize());
                float[][] x = new float[to - from][];
                int[] y = new int[to - from];
                for (int i = from; i < to; i++) {
                    x[i - from] = train.x()[order[i]].clone();
                    y[i - from] = train.y()[order[i]];
                }
                x = augmenter.augment(x, train, random);
                if (cfg.adversarial() != TrainingConfig.AdversarialTraining.NONE && cfg.advRatio() > 0) {
                    mixAdversarial(net, x, y, cfg, random);
                }
                TrainableNetwork.StepResult r = net.trainStep(x, y, lr);
                lossSum += r.loss() * x.length;
                correct += r.correct();
                seen += x.length;
                listener.onBatch(epoch, b + 1, batches, lossSum / seen, (double) correct / seen);
            }
            Evaluation val = evaluate(net, validation);
            double monitored = val.loss();
            double advAccuracy = Double.NaN;
            if (adversarial) {
                // EarlyStopping and ReduceLROnPlateau watch the training objective, not the clean loss
                // alone: adversarial training (above all when it starts from a trained model) raises
                // the clean loss while robustness still improves.
                Evaluation adv = evaluate(net, attacked(net, validation, cfg));
                monitored = (1 - cfg.advRatio()) * val.loss() + cfg.advRatio() * adv.loss();
                advAccuracy = adv.accuracy();
            }
            boolean improved = monitored < bestLoss - 1e-4;
            if (improved) {
                bestLoss = monitored;
                bestWeights = net.snapshot();
                bestEpoch = epoch;
                sinceBest = 0;
                sinceLrDrop = 0;
            } else {
                sinceBest++;
                sinceLrDrop++;
            }
            EpochStats stats = new EpochStats(epoch, lossSum / seen, (double) correct / seen, monitored,
                    val.accuracy(), advAccuracy, lr, (System.nanoTime() - epochStart) / 1e9, improved);
            history.add(stats);
            listener.onEpoch(stats);
            if (sinceBest >= cfg.stopPatience()) {
                stoppedEarly = true;
                break;
            }
            if (sinceLrDrop >= cfg.lrPatience()) {
                lr = Math.max(cfg.minLearningRate(), lr * cfg.lrFactor());
                sinceLrDrop = 0;
            }
        }
        if (bestWeights != null) {
            net.restore(bestWeights);
        }
        return new History(history, bestEpoch, stoppedEarly, (System.nanoTime() - start) / 1e9);
    }

    /** Replaces the first {@code ratio} of the (already shuffled) batch by adversarial examples. */
    static void mixAdversarial(TrainableNetwork net, float[][] x, int[] y, TrainingConfig cfg, SplittableRandom random) {
        int m = (int) Math.round(x.length * cfg.advRatio());
        if (m == 0) {
            return;
        }
        float[][] sub = new float[m][];
        int[] sy = new int[m];
        System.arraycopy(x, 0, sub, 0, m);
        System.arraycopy(y, 0, sy, 0, m);
        AttackSpec spec = cfg.trainingAttack(random.nextLong());
        float[][] adv = Attacker.perturb(net, sub, sy, spec, -1).adversarial();
        System.arraycopy(adv, 0, x, 0, m);
    }

    /** Validation images attacked to watch adversarial training (at most this many). */
    static final int VALIDATION_ATTACK_IMAGES = 1000;
    static final int VALIDATION_ATTACK_STEPS = 5;

    /**
     * The first validation images under PGD-5 at the training epsilon (seeded: every epoch sees the
     * same random starts). PGD rather than the training attack, so that an epoch where single-step
     * training collapsed into gradient masking (FGSM accuracy up, PGD accuracy down) does not look
     * like progress to EarlyStopping's best-weights restore.
     */
    static Dataset attacked(TrainableNetwork net, Dataset validation, TrainingConfig cfg) {
        Dataset data = validation.first(Math.min(VALIDATION_ATTACK_IMAGES, validation.size()));
        AttackSpec spec = AttackSpec.pgd(cfg.advEpsilon(), VALIDATION_ATTACK_STEPS, cfg.seed());
        float[][] adv = new float[data.size()][];
        int chunk = 256;
        for (int from = 0; from < data.size(); from += chunk) {
            int to = Math.min(data.size(), from + chunk);
            float[][] x = java.util.Arrays.copyOfRange(data.x(), from, to);
            int[] y = java.util.Arrays.copyOfRange(data.y(), from, to);
            System.arraycopy(Attacker.perturb(net, x, y, spec.withSeed(cfg.seed() + from), -1).adversarial(), 0, adv,
                    from, to - from);
        }
        return new Dataset(adv, data.y(), data.height(), data.width(), data.channels(), data.labels());
    }

    public static Evaluation evaluate(dev.aegis.model.Classifier net, Dataset data) {
        float[][] probs = net.probabilities(data.x());
        double loss = 0;
        int correct = 0;
        int[] predicted = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            predicted[i] = TrainableNetwork.argMax(probs[i], 0, probs[i].length);
            if (predicted[i] == data.y()[i]) {
                correct++;
            }
            loss -= Math.log(Math.max(1e-7, probs[i][data.y()[i]]));
        }
        int n = Math.max(1, probs.length);
        return new Evaluation(loss / n, (double) correct / n, predicted);
    }

    static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
