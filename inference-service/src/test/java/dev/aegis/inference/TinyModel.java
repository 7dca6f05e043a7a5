package dev.aegis.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.aegis.model.ModelCard;
import dev.aegis.model.TinyModels;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.image.Pixels;
import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.Fitter;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * A real, small SavedModel for the tests: a compact CNN trained here (once per test JVM, a few
 * seconds) with the runtime's trainer on model-runtime's generated bar images ({@link TinyModels},
 * from its test-jar), exported with a calibrated feature-squeezing detector as versions 1 and 2 (same
 * weights, so activation tests can tell the versions apart only by the card).
 */
public final class TinyModel {

    public static final int SIZE = TinyModels.SIZE;
    public static final List<String> LABELS = TinyModels.LABELS;

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
            TrainingConfig config = TinyModels.config(2);
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
        return TinyModels.card(version);
    }

    static Dataset generate(int n, long seed) {
        return TinyModels.generate(n, seed);
    }

    /** A PNG of class {@code label index} (distinct bytes per seed). */
    public static byte[] png(int classIndex, long seed) {
        float[] pixels = TinyModels.bars(classIndex, new SplittableRandom(seed * 31 + classIndex));
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
