package dev.aegis.model.train;

/**
 * Hyper-parameters of one training run. Defaults follow the seed application: Adam 1e-3,
 * ReduceLROnPlateau (factor 0.5, patience 2), EarlyStopping (patience 4, best weights restored).
 *
 * @param architecture     network family
 * @param epochs           maximum epochs
 * @param batchSize        mini-batch size
 * @param learningRate     initial Adam learning rate
 * @param l2               L2 weight decay factor on kernels (0 = off)
 * @param dropout          dropout rate before the classifier (0 = off)
 * @param seed             seed of initialisation, shuffling, augmentation, dropout and attacks
 * @param lrPatience       epochs without validation-loss improvement before the rate is halved
 * @param lrFactor         factor of ReduceLROnPlateau
 * @param minLearningRate  floor of ReduceLROnPlateau
 * @param stopPatience     epochs without improvement before EarlyStopping
 * @param adversarial      adversarial training method (NONE, FGSM, PGD)
 * @param advEpsilon       epsilon of the training attack (pixel space)
 * @param advRatio         share of every batch replaced by adversarial examples (0..1)
 * @param advSteps         PGD steps of the training attack
 * @param threads          intra-op threads (0 = all cores)
 */
public record TrainingConfig(Architecture architecture, int epochs, int batchSize, double learningRate, double l2,
        double dropout, long seed, int lrPatience, double lrFactor, double minLearningRate, int stopPatience,
        AdversarialTraining adversarial, double advEpsilon, double advRatio, int advSteps, int threads) {

    /**
     * FGSM: one signed-gradient step of epsilon. FGSM_RS: "fast" adversarial training (Wong et al.
     * 2020): a uniform random start in the ball, then one step of 1.25 epsilon, projected; it keeps
     * single-step training from collapsing into gradient masking (high FGSM, low PGD accuracy).
     * PGD: {@code advSteps} steps from a random start (Madry et al.).
     */
    public enum AdversarialTraining {
        NONE, FGSM, FGSM_RS, PGD;

        /** none | fgsm | fgsm-rs | pgd (case-insensitive). */
        public static AdversarialTraining parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown adversarial training '" + s + "' (none, fgsm, fgsm-rs, pgd)");
            }
        }
    }

    /** The attack that makes the training examples of a batch; {@code seed} seeds random starts. */
    public dev.aegis.model.attack.AttackSpec trainingAttack(long seed) {
        return switch (adversarial) {
            case NONE, FGSM -> dev.aegis.model.attack.AttackSpec.fgsm(advEpsilon);
            case FGSM_RS -> new dev.aegis.model.attack.AttackSpec(dev.aegis.model.attack.AttackMethod.BIM, advEpsilon, 1,
                    Math.min(1.0, Math.max(1e-6, 1.25 * advEpsilon)), true, java.util.Optional.empty(), seed);
            case PGD -> dev.aegis.model.attack.AttackSpec.pgd(advEpsilon, advSteps, seed);
        };
    }

    public TrainingConfig {
        if (architecture == null) {
            architecture = Architecture.COMPACT_CNN;
        }
        if (adversarial == null) {
            adversarial = AdversarialTraining.NONE;
        }
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || l2 < 0 || dropout < 0 || dropout >= 1
                || advRatio < 0 || advRatio > 1 || advEpsilon < 0 || advEpsilon > 1 || advSteps < 1 || threads < 0) {
            throw new IllegalArgumentException("invalid training configuration: " + this);
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(Architecture.COMPACT_CNN, 20, 64, 1e-3, 1e-4, 0.3, 42L, 2, 0.5, 1e-5, 4,
                AdversarialTraining.NONE, 0.1, 0.5, 7, 0);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(architecture, e, batchSize, learningRate, l2, dropout, seed, lrPatience, lrFactor,
                minLearningRate, stopPatience, adversarial, advEpsilon, advRatio, advSteps, threads);
    }

    public TrainingConfig withAdversarial(AdversarialTraining method, double epsilon, double ratio, int steps) {
        return new TrainingConfig(architecture, epochs, batchSize, learningRate, l2, dropout, seed, lrPatience,
                lrFactor, minLearningRate, stopPatience, method, epsilon, ratio, steps, threads);
    }

    public TrainingConfig withLearningRate(double rate) {
        return new TrainingConfig(architecture, epochs, batchSize, rate, l2, dropout, seed, lrPatience, lrFactor,
                minLearningRate, stopPatience, adversarial, advEpsilon, advRatio, advSteps, threads);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(architecture, epochs, batchSize, learningRate, l2, dropout, s, lrPatience, lrFactor,
                minLearningRate, stopPatience, adversarial, advEpsilon, advRatio, advSteps, threads);
    }

    public TrainingConfig withThreads(int t) {
        return new TrainingConfig(architecture, epochs, batchSize, learningRate, l2, dropout, seed, lrPatience, lrFactor,
                minLearningRate, stopPatience, adversarial, advEpsilon, advRatio, advSteps, t);
    }

    public TrainingConfig withArchitecture(Architecture a) {
        return new TrainingConfig(a, epochs, batchSize, learningRate, l2, dropout, seed, lrPatience, lrFactor,
                minLearningRate, stopPatience, adversarial, advEpsilon, advRatio, advSteps, threads);
    }

    public java.util.Map<String, Object> asMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("architecture", architecture.name());
        m.put("epochs", epochs);
        m.put("batchSize", batchSize);
        m.put("optimizer", "adam");
        m.put("learningRate", learningRate);
        m.put("l2", l2);
        m.put("dropout", dropout);
        m.put("seed", seed);
        m.put("reduceLrOnPlateau", java.util.Map.of("patience", lrPatience, "factor", lrFactor, "min", minLearningRate));
        m.put("earlyStopping", java.util.Map.of("patience", stopPatience, "restoreBestWeights", true));
        m.put("adversarialTraining", adversarial == AdversarialTraining.NONE ? "none"
                : adversarial.name().toLowerCase().replace('_', '-') + " eps=" + advEpsilon + " ratio=" + advRatio
                        + (adversarial == AdversarialTraining.PGD ? " steps=" + advSteps : ""));
        return m;
    }
}
