package dev.aegis.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.aegis.model.ModelCard;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.image.Pixels;
import dev.aegis.model.train.Architecture;
import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.Fitter;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * A real, small SavedModel for the tests: a compact CNN trained here (once per test JVM, a few
 * seconds) with the runtime's trainer on generated 16x16 images of bars (horizontal, vertical,
 * diagonal), exported with a calibrated feature-squeezing detector as versions 1 and 2 (same
 * weights, so activation tests can tell the versions apart only by the card).
 */
public final class TinyModel {

    public static final int SIZE = 16;
    public static final List<String> LABELS = List.of("horizontal", "vertical", "diagonal");

    private static Path bootstrapRoot;
    private static Path version2;

    private TinyModel() {
    }

    /** A folder holding {@code tiny/1/} (SavedModel + card), as {@code aegis.models.bootstrap-dir} expects. */
    public static synchronized Path bootstrapRoot() {
        if (bootstrapRoot == null) {
            train();
        }
        return bootstrapRoot;
    }

    /** The folder of version 2 (SavedModel + card), for the admin upload. */
    public static synchronized Path version2() {
        if (version2 == null) {
            train();
        }
        return version2;
    }

    private static void train() {
        try {
            Path root = Files.createTempDirectory("aegis-inference-models");
            Dataset trainSet = generate(600, 1);
            Dataset validation = generate(90, 2);
            TrainingConfig config = new TrainingConfig(Architecture.COMPACT_CNN, 4, 32, 3e-3, 0, 0.1, 7L, 2, 0.5,
                    1e-5, 3, TrainingConfig.AdversarialTraining.NONE, 0.1, 0.5, 3, 2);
            try (TrainableNetwork net = new TrainableNetwork(card("1"), config)) {
                Fitter.fit(net, trainSet, validation, Fitter.Augmenter.NONE, Fitter.Listener.NONE);
                ModelCard.Detector detector = FeatureSqueezingDetector.calibrate(net, validation.x(), 4, 2, 0.05);
                net.export(root.resolve("bootstrap/tiny/1"), card("1").withDetector(detector));
                net.export(root.resolve("uploads/tiny/2"), card("2").withDetector(detector));
            }
            bootstrapRoot = root.resolve("bootstrap");
            version2 = root.resolve("uploads/tiny/2");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelCard card(String version) {
        return new ModelCard("tiny", version, LABELS, new ModelCard.Input(SIZE, SIZE, 3, 0, 1),
                ModelCard.Signatures.DEFAULT, Map.of(), null, Map.of(), null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Bars of class {@code i % 3} on noise, in [0, 1]. */
    static Dataset generate(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = bars(i % 3, r);
            y[i] = i % 3;
        }
        return new Dataset(x, y, SIZE, SIZE, 3, LABELS);
    }

    private static float[] bars(int c, SplittableRandom r) {
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

    /** A PNG of class {@code label index} (distinct bytes per seed). */
    public static byte[] png(int classIndex, long seed) {
        float[] pixels = bars(classIndex, new SplittableRandom(seed * 31 + classIndex));
        return Pixels.toPng(Pixels.toImage(pixels, SIZE, SIZE, 3));
    }

    /** A version folder as the zip an admin uploads. */
    public static byte[] zip(Path versionDir) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(versionDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new ZipEntry(versionDir.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
            zip.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
