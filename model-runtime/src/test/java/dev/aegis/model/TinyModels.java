package dev.aegis.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.Fitter;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * A tiny three-class image problem generated in the test (bars: horizontal, vertical, diagonal on
 * noise) and one model trained on it once per test JVM, exported to a temporary folder.
 */
public final class TinyModels {

    public static final int SIZE = 16;
    public static final List<String> LABELS = List.of("horizontal", "vertical", "diagonal");

    private static Path exported;
    private static Dataset test;
    private static double trainedAccuracy;

    private TinyModels() {
    }

    public static Dataset generate(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = bars(i % 3, r);
            y[i] = i % 3;
        }
        return new Dataset(x, y, SIZE, SIZE, 3, LABELS);
    }

    /** One image of class {@code c} (0 horizontal, 1 vertical, 2 diagonal): coloured bars on noise, in [0, 1]. */
    public static float[] bars(int c, SplittableRandom r) {
        float[] img = new float[SIZE * SIZE * 3];
        for (int j = 0; j < img.length; j++) {
            img[j] = (float) (r.nextDouble() * 0.3);
        }
        float[] color = {(float) (0.6 + 0.4 * r.nextDouble()), (float) (0.6 + 0.4 * r.nextDouble()),
                (float) (0.6 + 0.4 * r.nextDouble())};
        int pos = 3 + r.nextInt(SIZE - 6);
        for (int t = 0; t < SIZE; t++) {
            for (int w = 0; w < 2; w++) {
                int row;
                int col;
                if (c == 0) {
                    row = pos + w;
                    col = t;
                } else if (c == 1) {
                    row = t;
                    col = pos + w;
                } else {
                    row = t;
                    col = Math.min(SIZE - 1, (t + pos + w) % SIZE);
                }
                for (int ch = 0; ch < 3; ch++) {
                    img[(row * SIZE + col) * 3 + ch] = color[ch];
                }
            }
        }
        return img;
    }

    public static ModelCard card(String version) {
        return new ModelCard("tiny", version, LABELS, new ModelCard.Input(SIZE, SIZE, 3, 0, 1),
                ModelCard.Signatures.DEFAULT, Map.of(), null, Map.of(), null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    public static TrainingConfig config() {
        return config(1);
    }

    /** Four epochs of the compact CNN, seeded: a few seconds, accurate enough for attacks to matter. */
    public static TrainingConfig config(int threads) {
        return new TrainingConfig(dev.aegis.model.train.Architecture.COMPACT_CNN, 4, 32, 3e-3, 0, 0.1, 7L, 2, 0.5,
                1e-5, 3, TrainingConfig.AdversarialTraining.NONE, 0.1, 0.5, 3, threads);
    }

    /** Folder of the trained tiny model (SavedModel + card), trained on first use. */
    public static synchronized Path trained() {
        if (exported == null) {
            try {
                Path dir = Files.createTempDirectory("aegis-tiny").resolve("model");
                Dataset train = generate(600, 1);
                Dataset val = generate(90, 2);
                test = generate(150, 3);
                try (TrainableNetwork net = new TrainableNetwork(card("1"), config())) {
                    Fitter.fit(net, train, val, Fitter.Augmenter.NONE, Fitter.Listener.NONE);
                    trainedAccuracy = Fitter.evaluate(net, test).accuracy();
                    net.export(dir, card("1").withMetrics(Map.of("test_accuracy", trainedAccuracy)));
                }
                exported = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return exported;
    }

    public static Dataset testSet() {
        trained();
        return test;
    }

    public static double trainedAccuracy() {
        trained();
        return trainedAccuracy;
    }
}
