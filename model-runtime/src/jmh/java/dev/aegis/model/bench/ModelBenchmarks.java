package dev.aegis.model.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.train.Architecture;
import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.Fitter;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * Forward pass (batch 1 and 32), FGSM, PGD-10 and the detector on one model: the one in
 * {@code -Daegis.bench.model=DIR}; or, with {@code -Daegis.bench.architecture=NAME} (an
 * {@link Architecture}, e.g. {@code EFFICIENTNET_B0_FULL}), that network at 224x224x3, untrained;
 * or a compact CNN of Fashion-MNIST's shape (28x28x1, 10 classes) trained for one epoch on random
 * data (speed does not depend on the weights). Threads: {@code -Daegis.bench.threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ModelBenchmarks {

    Model model;
    FeatureSqueezingDetector detector;
    float[][] one;
    float[][] batch32;
    int[] label1 = {0};
    int[] labels32;
    Path tmp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int threads = Integer.getInteger("aegis.bench.threads", 2);
        String dir = System.getProperty("aegis.bench.model");
        String architecture = System.getProperty("aegis.bench.architecture");
        Path modelDir;
        if (dir != null) {
            modelDir = Path.of(dir);
        } else if (architecture != null) {
            tmp = Files.createTempDirectory("aegis-jmh");
            modelDir = tmp.resolve("model");
            ModelCard card = new ModelCard("bench", "1", List.of("Bike", "Car", "Ship"), new ModelCard.Input(224, 224, 3, 0, 1),
                    null, Map.of(), null, Map.of(), null, Instant.now());
            try (TrainableNetwork net = new TrainableNetwork(card, TrainingConfig.defaults()
                    .withArchitecture(Architecture.valueOf(architecture)).withThreads(threads))) {
                net.export(modelDir, card);
            }
        } else {
            tmp = Files.createTempDirectory("aegis-jmh");
            modelDir = tmp.resolve("model");
            List<String> labels = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            ModelCard card = new ModelCard("bench", "1", labels, new ModelCard.Input(28, 28, 1, 0, 1), null, Map.of(),
                    null, Map.of(), null, Instant.now());
            Dataset d = random(256, 28, 28, 1, labels);
            try (TrainableNetwork net = new TrainableNetwork(card, TrainingConfig.defaults().withEpochs(1).withThreads(threads))) {
                Fitter.fit(net, d, d.first(32), Fitter.Augmenter.NONE, Fitter.Listener.NONE);
                net.export(modelDir, card);
            }
        }
        model = Model.load(modelDir, new RuntimeOptions(threads, 1, 64));
        ModelCard.Input in = model.card().input();
        Dataset d = random(64, in.height(), in.width(), in.channels(), model.card().labels());
        one = new float[][] {d.x()[0]};
        batch32 = d.first(32).x();
        labels32 = java.util.Arrays.copyOf(d.y(), 32);
        detector = new FeatureSqueezingDetector(model, model.card().detector() != null ? model.card().detector()
                : FeatureSqueezingDetector.calibrate(model, d.x(), 4, 2, 0.05));
    }

    static Dataset random(int n, int h, int w, int c, List<String> labels) {
        SplittableRandom r = new SplittableRandom(1);
        float[][] x = new float[n][h * w * c];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = (float) r.nextDouble();
            }
            y[i] = i % labels.size();
        }
        return new Dataset(x, y, h, w, c, labels);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** images/s = ops/s. */
    @Benchmark
    public float[][] forwardBatch1() {
        return model.probabilities(one);
    }

    /** images/s = 32 x ops/s. */
    @Benchmark
    public float[][] forwardBatch32() {
        return model.probabilities(batch32);
    }

    /** FGSM perturbation of one image (one loss-gradient call). */
    @Benchmark
    public Object fgsmBatch1() {
        return Attacker.perturb(model, one, label1, AttackSpec.fgsm(0.1), -1);
    }

    /**
     * FGSM perturbation of 32 images (one input-gradient call): images/s = 32 x ops/s; the
     * robustness bench's fgsm_cost_ratio is forwardBatch32 ops/s over this.
     */
    @Benchmark
    public Object fgsmBatch32() {
        return Attacker.perturb(model, batch32, labels32, AttackSpec.fgsm(0.1), -1);
    }

    /** PGD-10 perturbation of one image. */
    @Benchmark
    public Object pgd10Batch1() {
        return Attacker.perturb(model, one, label1, AttackSpec.pgd(0.1, 10, 1), -1);
    }

    /** Detector verdict on one image (three forward passes). */
    @Benchmark
    public Object detectorBatch1() {
        return detector.check(one[0]);
    }
}
