package dev.aegis.adversarial.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import dev.aegis.adversarial.worker.AttackEngine;
import dev.aegis.events.AttackParameters;
import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.image.Pixels;
import dev.aegis.model.train.Architecture;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * Prints what one attack costs on the worker path, against one forward pass on the same path.
 * Not a test (timings are machine-dependent): run it by hand, see docs/adversarial-service.md.
 *
 * <p>Both paths start from the stored bytes of a photo-sized PNG: decode, preprocess, then either
 * one forward pass (the baseline) or the worker's whole attack (clean prediction, gradient steps,
 * 8-bit quantisation in the ball, adversarial prediction, detector, two PNG encodings). The
 * SavedModel is exported from a freshly initialised network of the trainer: costs do not depend
 * on the weights. Object storage and Kafka round trips are left out of both (they add the same
 * few milliseconds to either path).
 *
 * <p>Arguments: {@code [architecture=COMPACT_CNN] [size=96] [iterations=30]}.
 */
public final class AttackBenchmark {

    private AttackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Architecture architecture = args.length > 0 ? Architecture.valueOf(args[0]) : Architecture.COMPACT_CNN;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 96;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path dir = Files.createTempDirectory("aegis-attack-bench").resolve("model");
        ModelCard card = new ModelCard("bench", "1", List.of("Bike", "Car", "Ship"),
                new ModelCard.Input(size, size, 3, 0, 1), null, Map.of(), null, Map.of(), null, Instant.now());
        try (TrainableNetwork net = new TrainableNetwork(card, TrainingConfig.defaults().withArchitecture(architecture))) {
            float[][] calibration = new float[16][];
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < calibration.length; i++) {
                calibration[i] = new float[card.input().size()];
                for (int j = 0; j < calibration[i].length; j++) {
                    calibration[i][j] = (float) random.nextDouble();
                }
            }
            net.export(dir, card.withDetector(FeatureSqueezingDetector.calibrate(net, calibration, 4, 2, 0.05)));
        }
        byte[] stored = photo(640, 480);
        ImageDecoder decoder = new ImageDecoder();
        try (Model model = Model.load(dir, RuntimeOptions.defaults())) {
            AdversarialDetector detector = AdversarialDetector.fromCard(model);
            System.out.printf("model: %s %dx%dx3, input: %d-byte 640x480 PNG, %d iterations, %d cores%n",
                    architecture, size, size, stored.length, iterations, Runtime.getRuntime().availableProcessors());

            Runnable forward = () -> {
                BufferedImage image = decoder.decode(stored);
                model.probabilities(new float[][] {Pixels.preprocess(image, model.card().input())});
            };
            Runnable forwardDetect = () -> {
                BufferedImage image = decoder.decode(stored);
                float[] input = Pixels.preprocess(image, model.card().input());
                model.probabilities(new float[][] {input});
                detector.check(input);
            };
            Runnable fgsm = () -> attack(model, detector, decoder, stored, "FGSM", 1);
            Runnable fgsmNoDetector = () -> attack(model, null, decoder, stored, "FGSM", 1);
            // interleaved rounds: on a shared machine every variant sees the same background load,
            // and the ratios are taken per round before the median
            double[][] t = interleaved(List.of(forward, forwardDetect, fgsm, fgsmNoDetector), iterations);
            double forwardMs = median(t[0]);
            System.out.printf("forward pass (decode + preprocess + predict):        %8.2f ms%n", forwardMs);
            System.out.printf("forward pass + detector (the inference worker path): %8.2f ms%n", median(t[1]));
            System.out.printf("FGSM worker path with detector verdict:              %8.2f ms = %.2fx forward, %.2fx forward+detector%n",
                    median(t[2]), medianRatio(t[2], t[0]), medianRatio(t[2], t[1]));
            System.out.printf("FGSM worker path without detector:                   %8.2f ms = %.2fx forward%n",
                    median(t[3]), medianRatio(t[3], t[0]));

            int[] ks = {1, 2, 4, 8, 16, 32};
            List<Runnable> pgd = new java.util.ArrayList<>();
            for (int k : ks) {
                pgd.add(() -> attack(model, detector, decoder, stored, "PGD", k));
            }
            double[][] p = interleaved(pgd, Math.max(5, iterations / 3));
            double[] costs = new double[ks.length];
            for (int i = 0; i < ks.length; i++) {
                costs[i] = median(p[i]);
                System.out.printf("PGD-%-3d worker path: %8.2f ms (%.2fx forward)%n", ks[i], costs[i], costs[i] / forwardMs);
            }
            double[] fit = linearFit(ks, costs);
            System.out.printf("PGD-k linear fit: %.2f ms + %.2f ms x k (R^2 = %.4f)%n", fit[0], fit[1], fit[2]);
        }
    }

    private static void attack(Model model, AdversarialDetector detector, ImageDecoder decoder, byte[] stored,
                               String method, int steps) {
        BufferedImage image = decoder.decode(stored);
        AttackSpec spec = AttackEngine.spec(new AttackParameters(method, 0.03, steps, null, null, null), 42L);
        AttackEngine.run(model, detector, image, spec);
    }

    /** Times of each variant over {@code n} rounds; every round runs every variant once, after a warm-up. */
    private static double[][] interleaved(List<Runnable> variants, int n) {
        for (int w = 0; w < 3; w++) {
            variants.forEach(Runnable::run);
        }
        double[][] ms = new double[variants.size()][n];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < variants.size(); v++) {
                long t0 = System.nanoTime();
                variants.get(v).run();
                ms[v][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return ms;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double medianRatio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return median(r);
    }

    private static double[] linearFit(int[] x, double[] y) {
        int n = x.length;
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        double slope = sxy / sxx;
        return new double[] {my - slope * mx, slope, sxy * sxy / (sxx * syy)};
    }

    /** A smooth synthetic photo (gradients and shapes), PNG-encoded like an upload. */
    private static byte[] photo(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255) / width;
                int g = (y * 255) / height;
                int b = ((x + y) / 3) % 256;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
