package dev.aegis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.aegis.model.train.Dataset;

class ModelTest {

    @Test
    void trainedTinyModelLearnsAndReloadsWithTheSameAccuracy() {
        Dataset test = TinyModels.testSet();
        assertThat(TinyModels.trainedAccuracy()).isGreaterThan(0.9);
        try (Model model = Model.load(TinyModels.trained(), RuntimeOptions.threads(2))) {
            assertThat(model.card().labels()).isEqualTo(TinyModels.LABELS);
            List<Prediction> predictions = model.predict(Arrays.asList(test.x()));
            int correct = 0;
            for (int i = 0; i < predictions.size(); i++) {
                if (predictions.get(i).index() == test.y()[i]) {
                    correct++;
                }
            }
            assertThat((double) correct / test.size()).isEqualTo(TinyModels.trainedAccuracy());
            Prediction p = predictions.get(0);
            float sum = 0;
            for (float v : p.probabilities()) {
                sum += v;
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(p.topK(2)).hasSize(2);
            assertThat(p.topK(2).get(0).label()).isEqualTo(p.label());
            assertThat(p.probabilitiesByLabel()).containsOnlyKeys(TinyModels.LABELS);
        }
    }

    @Test
    void twoFreshModelsGiveIdenticalProbabilities() {
        Dataset test = TinyModels.testSet();
        float[][] a;
        float[][] b;
        try (Model m1 = Model.load(TinyModels.trained(), new RuntimeOptions(1, 1, 7))) {
            a = m1.probabilities(test.x());
        }
        try (Model m2 = Model.load(TinyModels.trained(), new RuntimeOptions(2, 1, 64))) {
            b = m2.probabilities(test.x());
        }
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                assertThat(b[i][j]).isCloseTo(a[i][j], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void aFreshJvmReproducesThePredictions() throws Exception {
        Dataset test = TinyModels.testSet();
        float[][] expected;
        try (Model m = Model.load(TinyModels.trained(), RuntimeOptions.threads(1))) {
            expected = m.probabilities(test.first(5).x());
        }
        Path inputs = Files.createTempFile("inputs", ".bin");
        try (var out = new java.io.DataOutputStream(Files.newOutputStream(inputs))) {
            for (float[] x : test.first(5).x()) {
                for (float v : x) {
                    out.writeFloat(v);
                }
            }
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PredictMain.class.getName(),
                TinyModels.trained().toString(), inputs.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        String[] lines = output.strip().split("\n");
        assertThat(lines).hasSize(5);
        for (int i = 0; i < 5; i++) {
            String[] values = lines[i].split(",");
            for (int j = 0; j < values.length; j++) {
                assertThat(Float.parseFloat(values[j])).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void concurrentPredictionsMatchSequentialOnes() throws Exception {
        Dataset test = TinyModels.testSet();
        try (Model model = Model.load(TinyModels.trained(), RuntimeOptions.threads(2))) {
            float[][] sequential = model.probabilities(test.x());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int i = 0; i < test.size(); i++) {
                    float[] x = test.x()[i];
                    futures.add(pool.submit(() -> model.predict(x).probabilities()));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).get()).containsExactly(sequential[i],
                            org.assertj.core.data.Offset.offset(1e-5f));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void lossGradientHasTheInputShapeAndPositiveLoss() {
        Dataset test = TinyModels.testSet();
        try (Model model = Model.load(TinyModels.trained(), RuntimeOptions.threads(2))) {
            LossGradient g = model.lossGradient(test.first(4).x(), Arrays.copyOf(test.y(), 4));
            assertThat(g.loss()).hasSize(4);
            for (float l : g.loss()) {
                assertThat(l).isGreaterThanOrEqualTo(0f);
            }
            assertThat(g.gradient().length).isEqualTo(4);
            for (float[] row : g.gradient()) {
                assertThat(row).hasSize(16 * 16 * 3);
            }
        }
    }

    @Test
    void wrongInputSizeIsRejectedBeforeTensorFlow() {
        try (Model model = Model.load(TinyModels.trained(), RuntimeOptions.threads(1))) {
            assertThatThrownBy(() -> model.predict(new float[10])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("768");
            assertThatThrownBy(() -> model.lossGradient(new float[][] {new float[768]}, new int[] {7}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closedModelRefusesCalls() {
        Model model = Model.load(TinyModels.trained(), RuntimeOptions.threads(1));
        model.close();
        model.close();
        assertThatThrownBy(() -> model.predict(new float[768])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void folderWithoutCardIsInvalid(@TempDir Path dir) throws IOException {
        copyTree(TinyModels.trained(), dir);
        Files.delete(dir.resolve(ModelCard.FILE_NAME));
        assertThatThrownBy(() -> Model.load(dir, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("model-card.json");
    }

    @Test
    void missingFolderAndMissingSavedModelAreInvalid(@TempDir Path dir) {
        assertThatThrownBy(() -> Model.load(dir.resolve("nope"), RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class);
        TinyModels.card("1").write(dir);
        assertThatThrownBy(() -> Model.load(dir, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("saved_model.pb");
    }

    @Test
    void cardNamingAMissingSignatureIsInvalid(@TempDir Path dir) throws IOException {
        copyTree(TinyModels.trained(), dir);
        ModelCard c = ModelCard.read(dir);
        new ModelCard(c.name(), c.version(), c.labels(), c.input(), new ModelCard.Signatures("serving_default", "grad"),
                c.training(), c.dataset(), c.metrics(), c.detector(), c.created()).write(dir);
        assertThatThrownBy(() -> Model.load(dir, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("'grad'");
    }

    @Test
    void cardWithAnotherInputSizeOrLabelCountIsInvalid(@TempDir Path dir) throws IOException {
        copyTree(TinyModels.trained(), dir);
        ModelCard c = ModelCard.read(dir);
        new ModelCard(c.name(), c.version(), c.labels(), new ModelCard.Input(32, 32, 3, 0, 1), c.signatures(),
                c.training(), c.dataset(), c.metrics(), c.detector(), c.created()).write(dir);
        assertThatThrownBy(() -> Model.load(dir, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("shape");
        new ModelCard(c.name(), c.version(), List.of("a", "b"), c.input(), c.signatures(),
                c.training(), c.dataset(), c.metrics(), c.detector(), c.created()).write(dir);
        assertThatThrownBy(() -> Model.load(dir, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("shape");
    }

    @Test
    void garbageSavedModelIsInvalid(@TempDir Path dir) throws IOException {
        TinyModels.card("1").write(dir);
        Files.write(dir.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> Model.load(dir, RuntimeOptions.defaults()))
                .isInstanceOf(InvalidModelException.class);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
