package dev.aegis.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.TinyModels;

class TrainableNetworkTest {

    @Test
    void fullEfficientNetB0HasThePublishedStructureAndReloads(@TempDir Path dir) {
        Dataset data = TinyModels.generate(8, 5);
        TrainingConfig cfg = TinyModels.config().withArchitecture(Architecture.EFFICIENTNET_B0_FULL);
        int k = TinyModels.card("b0").labels().size();
        float[][] before;
        try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("b0"), cfg)) {
            // B0's 16 MBConv blocks (expansion, 3x3/5x5 depthwise, squeeze-and-excitation with
            // cin/4 units, projection), 32-channel stem, 1280-channel head, k-way dense; with batch
            // normalisation folded away this is 3,986,540 weights and biases plus the head's 1281 k
            assertThat(net.parameterCount()).isEqualTo(3_986_540 + 1281 * k);
            before = net.probabilities(data.x());
            net.export(dir.resolve("m"), TinyModels.card("b0"));
        }
        try (Model m = Model.load(dir.resolve("m"), RuntimeOptions.threads(1))) {
            float[][] after = m.probabilities(data.x());
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).hasSize(k).containsExactly(before[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void efficientNetStyleNetworkTrainsExportsAndReloads(@TempDir Path dir) {
        Dataset data = TinyModels.generate(48, 21);
        TrainingConfig cfg = TinyModels.config().withArchitecture(Architecture.EFFICIENTNET_B0).withEpochs(1);
        float[][] before;
        try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("eff"), cfg)) {
            assertThat(net.parameterCount()).isGreaterThan(100_000);
            float first = net.trainStep(data.x(), data.y(), 1e-3).loss();
            float later = first;
            for (int i = 0; i < 5; i++) {
                later = net.trainStep(data.x(), data.y(), 1e-3).loss();
            }
            assertThat(first).isFinite();
            assertThat(later).isFinite().isLessThan(first);
            before = net.probabilities(data.first(8).x());
            net.export(dir.resolve("m"), TinyModels.card("eff"));
        }
        try (Model m = Model.load(dir.resolve("m"), RuntimeOptions.threads(1))) {
            float[][] after = m.probabilities(data.first(8).x());
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).containsExactly(before[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        // the exported network as a backbone for a two-label task: everything but the classifier is copied
        var twoLabels = new dev.aegis.model.ModelCard("eff2", "1", java.util.List.of("a", "b"),
                TinyModels.card("x").input(), dev.aegis.model.ModelCard.Signatures.DEFAULT, java.util.Map.of(), null,
                java.util.Map.of(), null, java.time.Instant.EPOCH);
        try (TrainableNetwork net = new TrainableNetwork(twoLabels, cfg.withSeed(5))) {
            java.util.List<String> copied = net.initializeFrom(dir.resolve("m"));
            assertThat(copied).hasSize(net.variableCount() - 2).contains("stem_w", "head_w")
                    .doesNotContain("out_w", "out_b");
            assertThat(net.trainStep(data.first(8).x(), new int[8], 1e-3).loss()).isFinite();
        }
    }

    @Test
    void snapshotAndRestoreBringBackTheWeights() {
        Dataset data = TinyModels.generate(32, 22);
        try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("s"), TinyModels.config())) {
            float[][] weights = net.snapshot();
            float[][] p0 = net.probabilities(data.x());
            net.trainStep(data.x(), data.y(), 1e-2);
            assertThat(Arrays.deepEquals(net.probabilities(data.x()), p0)).isFalse();
            net.restore(weights);
            assertThat(net.probabilities(data.x())).isDeepEqualTo(p0);
        }
    }

    @Test
    void initialisesFromASavedModelWhereNamesAndShapesMatch(@TempDir Path dir) {
        Dataset data = TinyModels.testSet().first(12);
        float[][] expected;
        try (Model trained = Model.load(TinyModels.trained(), RuntimeOptions.threads(1))) {
            expected = trained.probabilities(data.x());
        }
        // same architecture and labels, another seed: every variable comes from the SavedModel
        try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("ft"), TinyModels.config().withSeed(99))) {
            assertThat(Arrays.deepEquals(net.probabilities(data.x()), expected)).isFalse();
            assertThat(net.initializeFrom(TinyModels.trained())).hasSize(net.variableCount());
            float[][] p = net.probabilities(data.x());
            for (int i = 0; i < p.length; i++) {
                assertThat(p[i]).containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
        // four labels instead of three: the backbone is copied, the classifier head keeps its own init
        var fourLabels = new dev.aegis.model.ModelCard("tiny4", "1", java.util.List.of("a", "b", "c", "d"),
                TinyModels.card("x").input(), dev.aegis.model.ModelCard.Signatures.DEFAULT, java.util.Map.of(), null,
                java.util.Map.of(), null, java.time.Instant.EPOCH);
        try (TrainableNetwork net = new TrainableNetwork(fourLabels, TinyModels.config().withSeed(99))) {
            float[][] before = net.snapshot();
            java.util.List<String> copied = net.initializeFrom(TinyModels.trained());
            assertThat(copied).contains("conv0_w", "conv0_b", "dense_w").doesNotContain("out_w", "out_b");
            assertThat(copied).hasSize(net.variableCount() - 2);
            float[][] after = net.snapshot();
            assertThat(after[after.length - 2]).containsExactly(before[before.length - 2]); // out_w
            assertThat(after[0]).isNotEqualTo(before[0]);
            float loss = net.trainStep(TinyModels.generate(16, 5).x(), new int[16], 1e-3).loss();
            assertThat(loss).isFinite();
        }
        assertThatThrownBy(() -> {
            try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("no"), TinyModels.config())) {
                net.initializeFrom(dir);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saved_model.pb");
    }

    @Test
    void adversarialTrainingRunsAndKeepsLearning() {
        Dataset train = TinyModels.generate(120, 23);
        Dataset val = TinyModels.generate(30, 24);
        TrainingConfig cfg = TinyModels.config().withEpochs(2)
                .withAdversarial(TrainingConfig.AdversarialTraining.PGD, 0.05, 0.5, 3);
        try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("adv"), cfg)) {
            Fitter.History h = Fitter.fit(net, train, val, Fitter.Augmenter.NONE, Fitter.Listener.NONE);
            assertThat(h.epochs()).hasSize(2);
            assertThat(h.epochs().get(1).trainLoss()).isFinite();
            // with adversarial training the monitored validation loss mixes clean and attacked images
            assertThat(h.epochs().get(1).valAdvAccuracy()).isBetween(0.0, 1.0);
            assertThat(h.epochs().get(1).valLoss()).isFinite();
        }
    }
}
