package dev.aegis.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;

/** The hand-written input gradient of the compact CNN against TensorFlow's own (tf.gradients). */
class InputGradientTest {

    static ModelCard card(int h, int w, int c, int k) {
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i < k; i++) {
            labels.add("c" + i);
        }
        return new ModelCard("grad", "1", labels, new ModelCard.Input(h, w, c, 0, 1), ModelCard.Signatures.DEFAULT,
                Map.of(), null, Map.of(), null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    static float[][] random(int n, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][size];
        for (float[] row : x) {
            for (int j = 0; j < size; j++) {
                row[j] = (float) r.nextDouble();
            }
        }
        return x;
    }

    /**
     * Fashion-MNIST's shape (two stages, a 32-channel conv backpropagated as a conv), the tiny
     * RGB model's (three input channels), and odd sizes (SAME pooling with a padded last row).
     */
    @Test
    void handWrittenGradientMatchesTensorFlowsGradient() {
        int[][] shapes = {{28, 28, 1, 10}, {16, 16, 3, 3}, {15, 13, 1, 4}, {19, 19, 3, 5}};
        for (int[] s : shapes) {
            ModelCard card = card(s[0], s[1], s[2], s[3]);
            try (TrainableNetwork net = new TrainableNetwork(card, TrainingConfig.defaults().withThreads(1))) {
                float[][] x = random(24, card.input().size(), s[0]);
                int[] y = new int[x.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (i * 7) % s[3];
                }
                // a few steps so the weights are not the symmetric initial ones
                for (int i = 0; i < 3; i++) {
                    net.trainStep(x, y, 1e-3);
                }
                float[][] reference = net.lossGradient(x, y).gradient();
                float[][] fast = net.inputGradient(x, y);
                double max = 0;
                for (float[] g : reference) {
                    for (float v : g) {
                        max = Math.max(max, Math.abs(v));
                    }
                }
                assertThat(max).as("shape %s", java.util.Arrays.toString(s)).isGreaterThan(0);
                for (int i = 0; i < x.length; i++) {
                    assertThat(fast[i]).hasSameSizeAs(reference[i]);
                    for (int j = 0; j < reference[i].length; j++) {
                        assertThat((double) fast[i][j]).as("shape %s input %d value %d", java.util.Arrays.toString(s), i, j)
                                .isCloseTo(reference[i][j], org.assertj.core.data.Offset.offset(1e-4 * max));
                    }
                }
            }
        }
    }

    /** A network without a hand-written gradient exports no input_gradient signature; attacks still work. */
    @Test
    void efficientNetKeepsTheLossGradientPath(@TempDir Path dir) {
        ModelCard card = card(16, 16, 3, 3);
        float[][] x = random(4, card.input().size(), 5);
        int[] y = {0, 1, 2, 0};
        try (TrainableNetwork net = new TrainableNetwork(card,
                TrainingConfig.defaults().withArchitecture(Architecture.EFFICIENTNET_B0).withThreads(1))) {
            assertThat(net.inputGradient(x, y)).isDeepEqualTo(net.lossGradient(x, y).gradient());
            net.export(dir.resolve("m"), card);
        }
        try (Model m = Model.load(dir.resolve("m"), RuntimeOptions.threads(1))) {
            assertThat(m.hasFastInputGradient()).isFalse();
            assertThat(m.inputGradient(x, y)).isDeepEqualTo(m.lossGradient(x, y).gradient());
            Attacker.Perturbation p = Attacker.perturb(m, x, y, AttackSpec.fgsm(0.1), -1);
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[i].length; j++) {
                    assertThat(Math.abs(p.pixels()[i][j] - x[i][j])).isLessThanOrEqualTo(0.1f + 1e-6f);
                }
            }
            assertThat(java.util.Arrays.deepEquals(p.pixels(), x)).isFalse();
        }
    }
}
