package dev.aegis.trainer;

import java.nio.file.Path;

import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;

/** Experiment harness (not a test): the bench's speed figures on a saved Fashion-MNIST model, repeated. */
public final class SpeedExperiment {

    public static void main(String[] args) throws Exception {
        DataLoaders.Splits data = DataLoaders.idx(Path.of(args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist"),
                DataLoaders.FASHION_MNIST_LABELS, 5000, 42, 0);
        try (Model m = Model.load(Path.of(args[0]), RuntimeOptions.threads(0))) {
            float[][] x = java.util.Arrays.copyOf(data.test().x(), 32);
            int[] y = java.util.Arrays.copyOf(data.test().y(), 32);
            for (int r = 0; r < 3; r++) {
                long a = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    m.probabilities(x);
                }
                long b = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    m.lossGradient(x, y);
                }
                long c = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    dev.aegis.model.attack.Attacker.perturb(m, x, y, dev.aegis.model.attack.AttackSpec.fgsm(0.1), -1);
                }
                long d = System.nanoTime();
                System.out.printf("per batch of 32: forward %.2f ms, lossGradient %.2f ms, FGSM %.2f ms%n", (b - a) / 1e8,
                        (c - b) / 1e8, (d - c) / 1e8);
            }
            for (int i = 0; i < 3; i++) {
                RobustnessBench.Speed s = RobustnessBench.speed(m, data.test());
                System.out.printf("b1 %.0f/s b32 %.0f/s fgsm/forward %.3f (batch 1: %.3f)%n", s.b1(), s.b32(),
                        s.fgsmRatio(), s.fgsmRatioB1());
            }
        }
    }
}
