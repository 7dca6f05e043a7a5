package dev.aegis.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.TinyModels;

class TrainableNetworkTest {

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
    void adversarialTrainingRunsAndKeepsLearning() {
        Dataset train = TinyModels.generate(120, 23);
        Dataset val = TinyModels.generate(30, 24);
        TrainingConfig cfg = TinyModels.config().withEpochs(2)
                .withAdversarial(TrainingConfig.AdversarialTraining.PGD, 0.05, 0.5, 3);
        try (TrainableNetwork net = new TrainableNetwork(TinyModels.card("adv"), cfg)) {
            Fitter.History h = Fitter.fit(net, train, val, Fitter.Augmenter.NONE, Fitter.Listener.NONE);
            assertThat(h.epochs()).hasSize(2);
            assertThat(h.epochs().get(1).trainLoss()).isFinite();
        }
    }
}
