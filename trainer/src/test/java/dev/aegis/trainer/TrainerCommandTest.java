package dev.aegis.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.train.Dataset;
import picocli.CommandLine;

class TrainerCommandTest {

    @TempDir
    static Path shared;
    static Path data;

    /** Three classes of shapes (disc, square, cross) in random colours, positions and sizes. */
    @BeforeAll
    static void generateDataset() throws Exception {
        data = shared.resolve("shapes");
        SplittableRandom r = new SplittableRandom(5);
        String[] labels = {"cross", "disc", "square"};
        for (String label : labels) {
            Files.createDirectories(data.resolve(label));
            for (int i = 0; i < 40; i++) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(90), r.nextInt(90), r.nextInt(90)));
                g.fillRect(0, 0, 32, 32);
                g.setColor(new Color(150 + r.nextInt(100), 150 + r.nextInt(100), 150 + r.nextInt(100)));
                int s = 12 + r.nextInt(8);
                int x = r.nextInt(32 - s);
                int y = r.nextInt(32 - s);
                switch (label) {
                    case "disc" -> g.fillOval(x, y, s, s);
                    case "square" -> g.fillRect(x, y, s, s);
                    default -> {
                        g.fillRect(x + s / 2 - 2, y, 4, s);
                        g.fillRect(x, y + s / 2 - 2, s, 4);
                    }
                }
                g.dispose();
                ImageIO.write(img, "png", data.resolve(label).resolve(label + i + ".png").toFile());
            }
        }
        Files.writeString(data.resolve("disc").resolve("broken.png"), "not a png");
    }

    static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = TrainerCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    static String[] trainArgs(Path out, String version) {
        return new String[] {"train", "--data", data.toString(), "--out", out.toString(), "--name", "shapes",
                "--model-version", version, "--size", "16", "--epochs", "6", "--batch-size", "16", "--lr", "0.003",
                "--threads", "1", "--seed", "9", "--robust-samples", "12", "--epsilons", "0,0.1", "--quiet",
                "--augment", "shift,color"};
    }

    @Test
    void trainsExportsAReloadableModelAndWritesTheReport(@TempDir Path out) throws Exception {
        assertThat(run(new StringWriter(), new StringWriter(), trainArgs(out, "1"))).isZero();
        Path modelDir = out.resolve("shapes/1");
        ModelCard card = ModelCard.read(modelDir);
        assertThat(card.labels()).containsExactly("cross", "disc", "square");
        assertThat(card.input()).isEqualTo(new ModelCard.Input(16, 16, 3, 0, 1));
        assertThat(card.metrics()).containsKeys("test_accuracy", "fgsm_0.1_accuracy", "pgd10_0.1_accuracy",
                "detector_tpr", "detector_fpr");
        assertThat(card.detector()).isNotNull();
        assertThat(card.dataset().fingerprint()).startsWith("sha256:");
        assertThat(card.dataset().counts()).containsEntry("test", 12);
        assertThat(card.training()).containsEntry("architecture", "COMPACT_CNN");
        assertThat(card.metrics().get("test_accuracy")).isGreaterThan(0.5);
        Path report = out.resolve("shapes/1-report");
        for (String f : List.of("metrics.json", "confusion-matrix.csv", "per-class.csv", "training-loss.png",
                "training-accuracy.png", "accuracy-vs-epsilon.png", "detector-rates.png")) {
            assertThat(report.resolve(f)).isNotEmptyFile();
        }
        assertThat(new ImageDecoder().decode(Files.readAllBytes(report.resolve("accuracy-vs-epsilon.png"))).getWidth())
                .isEqualTo(800);
        assertThat(Files.readString(report.resolve("confusion-matrix.csv"))).startsWith("true\\predicted,cross,disc,square");

        // the exported model, loaded fresh, reproduces the test accuracy of the card on the same images
        DataLoaders.Splits splits = DataLoaders.folder(data, card.input(), 9, true, new PrintProgress(System.err, true));
        try (Model model = Model.load(modelDir, RuntimeOptions.threads(1))) {
            Dataset test = splits.test();
            float[][] p = model.probabilities(test.x());
            int ok = 0;
            for (int i = 0; i < p.length; i++) {
                if (Pipeline.argMax(p[i]) == test.y()[i]) {
                    ok++;
                }
            }
            assertThat((double) ok / p.length).isEqualTo(card.metrics().get("test_accuracy"));

            // --detector both (the default): the learned detector is exported beside the model and
            // loads with it; its verdicts on the clean validation images keep the calibrated budget
            assertThat(card.detector().learned()).isNotNull();
            assertThat(card.detector().squeezers()).isNotEmpty();
            assertThat(card.metrics()).containsKeys("detector_learned_tpr", "detector_squeeze_tpr");
            assertThat(modelDir.resolve("detector/saved_model.pb")).isNotEmptyFile();
            try (dev.aegis.model.detect.AdversarialDetector detector =
                    dev.aegis.model.detect.AdversarialDetector.fromCard(model)) {
                assertThat(detector.hasLearned()).isTrue();
                Dataset calib = splits.validation().first(3000);
                long flagged = detector.checkBatch(calib.x()).stream()
                        .filter(dev.aegis.model.detect.DetectorVerdict::flagged).count();
                assertThat(flagged).isLessThanOrEqualTo((long) Math.floor(0.05 * calib.size()));
            }
        }
    }

    @Test
    void fineTunesFromABackboneSavedModel(@TempDir Path out) {
        java.util.List<String> baseArgs = new java.util.ArrayList<>(List.of(trainArgs(out, "base")));
        baseArgs.set(baseArgs.indexOf("--epochs") + 1, "2");
        baseArgs.addAll(List.of("--detector", "learned", "--detector-images", "60", "--detector-epochs", "1"));
        assertThat(run(new StringWriter(), new StringWriter(), baseArgs.toArray(String[]::new))).isZero();
        Path backbone = out.resolve("shapes/base");
        // --detector learned: no squeezers, only the detector network (exported to detector/)
        ModelCard baseCard = ModelCard.read(backbone);
        assertThat(baseCard.detector().squeezers()).isEmpty();
        assertThat(baseCard.detector().learned().path()).isEqualTo("detector");
        assertThat(baseCard.detector().learned().trainedOn()).contains("60 images");
        assertThat(baseCard.metrics()).containsKeys("detector_tpr", "detector_learned_tpr")
                .doesNotContainKey("detector_squeeze_tpr");
        assertThat(ModelCard.read(backbone.resolve("detector")).labels()).containsExactly("clean", "adversarial");
        java.util.List<String> args = new java.util.ArrayList<>(List.of(trainArgs(out, "ft")));
        args.set(args.indexOf("--epochs") + 1, "1");
        args.addAll(List.of("--backbone", backbone.toString(), "--adversarial", "fgsm"));
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(log, true));
        try {
            assertThat(run(new StringWriter(), new StringWriter(), args.toArray(String[]::new))).isZero();
        } finally {
            System.setErr(err);
        }
        assertThat(log.toString()).contains("initialised 6 of 6 variables from " + backbone);
        ModelCard card = ModelCard.read(out.resolve("shapes/ft"));
        assertThat(card.training()).containsEntry("initializedFrom", backbone.toString());
        // starting from the trained weights, one epoch of adversarial fine-tuning keeps the model useful
        assertThat(card.metrics().get("test_accuracy")).isGreaterThan(0.5);

        StringWriter bad = new StringWriter();
        assertThat(run(new StringWriter(), bad, "train", "--data", data.toString(), "--out", out.toString(),
                "--backbone", out.toString())).isEqualTo(2);
        assertThat(bad.toString()).contains("not a SavedModel");
    }

    @Test
    void sameDataSeedAndThreadsGiveTheSameMetrics(@TempDir Path out) {
        assertThat(run(new StringWriter(), new StringWriter(), trainArgs(out, "a"))).isZero();
        assertThat(run(new StringWriter(), new StringWriter(), trainArgs(out, "b"))).isZero();
        ModelCard a = ModelCard.read(out.resolve("shapes/a"));
        ModelCard b = ModelCard.read(out.resolve("shapes/b"));
        // everything but wall-clock timings
        java.util.Map<String, Double> ma = new java.util.HashMap<>(a.metrics());
        java.util.Map<String, Double> mb = new java.util.HashMap<>(b.metrics());
        ma.remove("seconds_per_epoch");
        mb.remove("seconds_per_epoch");
        assertThat(mb).isEqualTo(ma);
        assertThat(b.dataset().fingerprint()).isEqualTo(a.dataset().fingerprint());
    }

    @Test
    void demoModelWritesAegisDemoWithAnHonestDatasetDescription(@TempDir Path out) {
        assertThat(run(new StringWriter(), new StringWriter(), "demo-model", "--data", data.toString(), "--out",
                out.toString(), "--model-version", "7", "--size", "16", "--epochs", "1", "--threads", "1", "--quiet"))
                .isZero();
        ModelCard card = ModelCard.read(out.resolve("aegis-demo/7"));
        assertThat(card.name()).isEqualTo("aegis-demo");
        assertThat(card.dataset().description()).contains("icon").contains("Not photographs");
        assertThat(card.detector()).isNotNull();
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "demo-model", "--data", out.resolve("none").toString(), "--out",
                out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("demo dataset folder not found");
    }

    @Test
    void stratifiedSplitKeepsEveryClassInEverySplit() throws Exception {
        DataLoaders.Splits s = DataLoaders.folder(data, new ModelCard.Input(8, 8, 1, 0, 1), 1, true,
                new PrintProgress(System.err, true));
        assertThat(s.train().countsPerClass()).containsExactly(32, 32, 32);
        assertThat(s.validation().countsPerClass()).containsExactly(4, 4, 4);
        assertThat(s.test().countsPerClass()).containsExactly(4, 4, 4);
        DataLoaders.Splits again = DataLoaders.folder(data, new ModelCard.Input(8, 8, 1, 0, 1), 1, true,
                new PrintProgress(System.err, true));
        assertThat(again.test().fingerprint()).isEqualTo(s.test().fingerprint());
        DataLoaders.Splits other = DataLoaders.folder(data, new ModelCard.Input(8, 8, 1, 0, 1), 2, true,
                new PrintProgress(System.err, true));
        assertThat(other.test().fingerprint()).isNotEqualTo(s.test().fingerprint());
    }

    @Test
    void usesTheGroupSplitOfSplitsJsonWhenPresent(@TempDir Path dir) throws Exception {
        for (String label : List.of("bike", "car")) {
            Files.createDirectories(dir.resolve(label));
            for (int i = 0; i < 4; i++) {
                ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png",
                        dir.resolve(label).resolve("set" + i + "__icon__0.png").toFile());
            }
        }
        Files.writeString(dir.resolve("splits.json"), """
                {"format":"aegis-group-split/1","groupBy":"iconSet","files":{
                 "train":["bike/set0__icon__0.png","bike/set1__icon__0.png","car/set0__icon__0.png","car/set1__icon__0.png"],
                 "validation":["bike/set2__icon__0.png","car/set2__icon__0.png"],
                 "test":["bike/set3__icon__0.png","car/set3__icon__0.png"]}}""");
        DataLoaders.Splits s = DataLoaders.folder(dir, new ModelCard.Input(8, 8, 3, 0, 1), 1, true,
                new PrintProgress(System.err, true));
        assertThat(s.splitMethod()).contains("splits.json");
        assertThat(s.train().countsPerClass()).containsExactly(2, 2);
        assertThat(s.validation().countsPerClass()).containsExactly(1, 1);
        assertThat(s.test().countsPerClass()).containsExactly(1, 1);
        DataLoaders.Splits random = DataLoaders.folder(dir, new ModelCard.Input(8, 8, 3, 0, 1), 1, false,
                new PrintProgress(System.err, true));
        assertThat(random.splitMethod()).contains("stratified");
    }

    @Test
    void readsIdxFiles(@TempDir Path dir) throws Exception {
        writeIdx(dir, "train", 50);
        writeIdx(dir, "t10k", 10);
        DataLoaders.Splits s = DataLoaders.idx(dir, List.of("a", "b"), 10, 1, 0);
        assertThat(s.train().size()).isEqualTo(40);
        assertThat(s.validation().size()).isEqualTo(10);
        assertThat(s.test().size()).isEqualTo(10);
        assertThat(s.test().height()).isEqualTo(4);
        assertThat(s.test().x()[3][5]).isEqualTo(((3 + 5) % 256) / 255f);
        assertThat(s.test().y()[3]).isEqualTo(1);
    }

    static void writeIdx(Path dir, String prefix, int n) throws Exception {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(images))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(4);
            out.writeInt(4);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 16; j++) {
                    out.writeByte((i + j) % 256);
                }
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images.toByteArray());
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(labels))) {
            out.writeInt(0x801);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 2);
            }
        }
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels.toByteArray());
    }

    @Test
    void badArgumentsFailWithAMessageAndExitCode2(@TempDir Path out) {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "train", "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--data").contains("--idx");
        StringWriter err2 = new StringWriter();
        assertThat(run(new StringWriter(), err2, "train", "--data", out.resolve("missing").toString(), "--out",
                out.toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("does not exist");
        StringWriter err3 = new StringWriter();
        assertThat(run(new StringWriter(), err3, "train", "--data", data.toString(), "--out", out.toString(),
                "--arch", "resnet")).isEqualTo(2);
        assertThat(err3.toString()).contains("unknown architecture");
        StringWriter help = new StringWriter();
        assertThat(run(help, new StringWriter(), "train", "--help")).isZero();
        assertThat(help.toString()).contains("--adversarial").contains("--preset").contains("--detector")
                .contains("squeeze").contains("learned");
        StringWriter err4 = new StringWriter();
        assertThat(run(new StringWriter(), err4, "train", "--data", data.toString(), "--out", out.toString(),
                "--detector", "magic")).isEqualTo(2);
        assertThat(err4.toString()).contains("unknown detector 'magic'");
    }

    @Test
    void augmentationStaysInPixelRangeAndIsSeeded() {
        Augmentation aug = Augmentation.parse("flip,shift,color", 10);
        Dataset d = new Dataset(new float[][] {new float[300]}, new int[] {0}, 10, 10, 3, List.of("a", "b"));
        float[] x = new float[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) / 6f;
        }
        float[][] a1 = aug.augment(new float[][] {x.clone()}, d, new SplittableRandom(3));
        float[][] a2 = aug.augment(new float[][] {x.clone()}, d, new SplittableRandom(3));
        assertThat(a1[0]).containsExactly(a2[0]);
        for (float v : a1[0]) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void detectorChoosesTheSqueezerSetThatFlagsMostAdversarialValidationImages() {
        // 100 clean and 10 adversarial validation images, three squeezers ([squeezer][image] distances)
        double[][] clean = new double[3][100];
        double[][] adv = new double[3][10];
        for (int i = 0; i < 100; i++) {
            clean[0][i] = i / 100.0;         // squeezer 0: clean scores up to 0.99 (threshold 0.94)
            clean[1][i] = i / 1000.0;        // squeezers 1 and 2: up to 0.099 (threshold 0.094)
            clean[2][i] = i / 1000.0;
        }
        for (int i = 0; i < 10; i++) {
            adv[0][i] = 0.9;                 // under squeezer 0's threshold, and it drags any set it joins up
            adv[1][i] = i < 6 ? 0.5 : 0;     // squeezer 1 catches 6 of 10
            adv[2][i] = i >= 6 ? 0.5 : 0;    // squeezer 2 the other 4
        }
        Pipeline.Choice c = Pipeline.chooseSqueezers(clean, adv, 0.05, 3);
        // the joint detector {1, 2}: max of both keeps the clean FPR at 5% and catches all 10
        assertThat(c.indices()).containsExactly(1, 2);
        assertThat(c.tpr()).isEqualTo(1.0);
        assertThat(Pipeline.fraction(Pipeline.jointScores(clean, c.indices()), c.threshold())).isLessThanOrEqualTo(0.05);
        // limited to one squeezer, squeezer 1 alone is the best
        assertThat(Pipeline.chooseSqueezers(clean, adv, 0.05, 1).indices()).containsExactly(1);
    }

    @Test
    void squeezeAugmentationReplacesAboutHalfTheImagesBySqueezedCopies() {
        Augmentation aug = Augmentation.parse("squeeze", 4);
        assertThat(aug.toString()).isEqualTo("squeeze");
        Dataset d = new Dataset(new float[][] {new float[16]}, new int[] {0}, 4, 4, 1, List.of("a", "b"));
        SplittableRandom r = new SplittableRandom(1);
        float[][] batch = new float[200][];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new float[16];
            for (int j = 0; j < 16; j++) {
                batch[i][j] = (float) r.nextDouble();
            }
        }
        float[][] original = new float[batch.length][];
        for (int i = 0; i < batch.length; i++) {
            original[i] = batch[i].clone();
        }
        float[][] out = aug.augment(batch, d, new SplittableRandom(2));
        int changed = 0;
        for (int i = 0; i < out.length; i++) {
            if (!java.util.Arrays.equals(out[i], original[i])) {
                changed++;
                boolean isSqueezed = false;
                for (var s : Augmentation.SQUEEZERS) {
                    isSqueezed |= java.util.Arrays.equals(out[i], s.squeeze(original[i], 4, 4, 1));
                }
                assertThat(isSqueezed).isTrue();
            }
        }
        assertThat(changed).isBetween(70, 130);
    }
}
