package dev.aegis.adversarial.it;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import dev.aegis.model.ModelCard;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.DetectorTrainer;
import dev.aegis.model.train.Fitter;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * A small real model for the integration tests: a compact CNN trained here, with the runtime's
 * trainer, on 16x16 grey images of three easy shapes (a horizontal bar, a vertical bar, a
 * diagonal, on noise). Real gradients, real accuracy, trained in seconds on two cores.
 */
final class ShapesModel {

    static final List<String> LABELS = List.of("Bike", "Car", "Ship");
    static final int SIZE = 16;

    private ShapesModel() {
    }

    /** Trains, calibrates the detector and exports the SavedModel + card into {@code dir}. */
    static ModelCard train(Path dir, String name, String version) {
        ModelCard card = new ModelCard(name, version, LABELS, new ModelCard.Input(SIZE, SIZE, 1, 0, 1), null,
                Map.of(), null, Map.of(), null, Instant.now());
        TrainingConfig config = TrainingConfig.defaults().withEpochs(6).withSeed(7);
        Dataset train = generate(900, 1);
        Dataset validation = generate(150, 2);
        try (TrainableNetwork net = new TrainableNetwork(card, config)) {
            Fitter.fit(net, train, validation, Fitter.Augmenter.NONE, Fitter.Listener.NONE);
            double accuracy = Fitter.evaluate(net, validation).accuracy();
            ModelCard.Detector squeeze = FeatureSqueezingDetector.calibrate(net, validation.x(), 4, 2, 0.05);
            // a small learned detector in detector/, so that the worker has to download the sub-folder too
            DetectorTrainer.Settings s = new DetectorTrainer.Settings(300, 0.05, 0.2, 0.5, 4, 2, 7L, 0);
            try (TrainableNetwork det = DetectorTrainer.train(net, train, validation, s, Fitter.Listener.NONE)) {
                var squeezers = FeatureSqueezingDetector.parse(squeeze.squeezers());
                float[][] adv = DetectorTrainer.adversarial(net, validation.x(), validation.y(), s, 8);
                AdversarialDetector.Calibration c = AdversarialDetector.calibrate(
                        FeatureSqueezingDetector.scores(net, validation.x(), squeezers),
                        DetectorTrainer.scores(det, validation.x()), FeatureSqueezingDetector.scores(net, adv, squeezers),
                        DetectorTrainer.scores(det, adv), 0.05);
                ModelCard.Detector detector = new ModelCard.Detector(squeeze.squeezers(), c.squeezeThreshold(), 0.05,
                        new ModelCard.Learned("detector", c.learnedThreshold(), s.describe()));
                ModelCard done = card.withMetrics(Map.of("validationAccuracy", accuracy)).withDetector(detector);
                net.export(dir, done);
                det.export(dir.resolve("detector"), DetectorTrainer.card(done, s));
                return done;
            }
        }
    }

    /** {@code n} images, classes in turn, deterministic for a seed. */
    static Dataset generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % LABELS.size();
            x[i] = draw(y[i], random);
        }
        return new Dataset(x, y, SIZE, SIZE, 1, LABELS);
    }

    private static float[] draw(int label, SplittableRandom random) {
        float[] p = new float[SIZE * SIZE];
        for (int j = 0; j < p.length; j++) {
            p[j] = (float) (random.nextDouble() * 0.3);
        }
        int at = 3 + random.nextInt(SIZE - 6);
        float ink = (float) (0.75 + random.nextDouble() * 0.25);
        for (int t = 0; t < SIZE; t++) {
            for (int w = 0; w < 2; w++) {
                switch (label) {
                    case 0 -> p[(at + w) * SIZE + t] = ink;
                    case 1 -> p[t * SIZE + at + w] = ink;
                    default -> {
                        int col = (t + at + w) % SIZE;
                        p[t * SIZE + col] = ink;
                    }
                }
            }
        }
        // 8-bit, as a stored image would be
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.round(p[j] * 255f) / 255f;
        }
        return p;
    }

    /** An RGB PNG with equal channels, like a photo upload of a grey picture. */
    static byte[] png(float[] pixels) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < pixels.length; j++) {
            int v = Math.round(pixels[j] * 255f);
            image.setRGB(j % SIZE, j / SIZE, (v << 16) | (v << 8) | v);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** First-band samples 0..255 of a PNG (the grey level of a grey or equal-channel image). */
    static int[] grey(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(png));
            int[] out = new int[image.getWidth() * image.getHeight()];
            for (int j = 0; j < out.length; j++) {
                out[j] = image.getRaster().getSample(j % image.getWidth(), j / image.getWidth(), 0);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
