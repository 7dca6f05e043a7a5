package dev.aegis.trainer;

import java.nio.file.Path;
import java.util.List;

import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.train.Dataset;

/**
 * Experiment harness (not a test): the learned detector of a saved Fashion-MNIST model calibrated at
 * several FPRs on the first 3,000 clean validation images, measured on the test set (successful
 * FGSM and PGD-10 examples, clean images). No retraining.
 *
 * <pre>
 * java -cp trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/test.cp) \
 *     dev.aegis.trainer.LearnedDetectorFprExperiment MODEL_DIR [IDX_DIR] [EPS] [FPR...]
 * </pre>
 */
public final class LearnedDetectorFprExperiment {

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        Path idx = Path.of(args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist");
        double eps = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        double[] fprs = {0.045, 0.04, 0.035, 0.03, 0.02, 0.01};
        if (args.length > 3) {
            fprs = new double[args.length - 3];
            for (int i = 3; i < args.length; i++) {
                fprs[i - 3] = Double.parseDouble(args[i]);
            }
        }
        DataLoaders.Splits data = DataLoaders.idx(idx, DataLoaders.FASHION_MNIST_LABELS, 5000, 42, 0);
        try (Model m = Model.load(modelDir, RuntimeOptions.threads(2));
                AdversarialDetector d = AdversarialDetector.fromCard(m)) {
            Dataset test = data.test();
            double[] val = learned(d, data.validation().first(3000).x());
            double[] clean = learned(d, test.x());
            double[] fgsm = learned(d, Pipeline.successfulAdversarial(m, test, eps));
            double[] pgd = learned(d, Pipeline.successfulAdversarial(m, test.first(2000), AttackSpec.pgd(eps, 10, 42)));
            System.out.printf("card threshold %.4f: test FPR %.4f, FGSM TPR %.4f (%d), PGD-10 TPR %.4f (%d)%n",
                    d.settings().learned().threshold(), Pipeline.fraction(clean, d.settings().learned().threshold()),
                    Pipeline.fraction(fgsm, d.settings().learned().threshold()), fgsm.length,
                    Pipeline.fraction(pgd, d.settings().learned().threshold()), pgd.length);
            for (double fpr : fprs) {
                double t = FeatureSqueezingDetector.thresholdAt(val, fpr);
                System.out.printf("calibrated at %.3f on validation: threshold %.4f, test FPR %.4f, FGSM TPR %.4f, "
                        + "PGD-10 TPR %.4f%n", fpr, t, Pipeline.fraction(clean, t), Pipeline.fraction(fgsm, t),
                        Pipeline.fraction(pgd, t));
            }
        }
    }

    private static double[] learned(AdversarialDetector d, float[][] x) {
        List<AdversarialDetector.Scores> s = d.scores(x);
        return s.stream().mapToDouble(AdversarialDetector.Scores::learned).toArray();
    }
}
