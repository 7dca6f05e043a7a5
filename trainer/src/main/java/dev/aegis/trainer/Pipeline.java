package dev.aegis.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.aegis.model.Classifier;
import dev.aegis.model.ModelCard;
import dev.aegis.model.attack.AttackResult;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.detect.Squeezer;
import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.DetectorTrainer;
import dev.aegis.model.train.Fitter;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;

/**
 * Train, evaluate (clean, FGSM/PGD accuracy vs epsilon), calibrate the detector, export the
 * SavedModel + card, write the report folder.
 */
public final class Pipeline {

    /**
     * @param name            model name
     * @param version         model version
     * @param config          training hyper-parameters
     * @param augmentation    batch augmentation
     * @param epsilons        epsilons of the robustness curves (pixel space)
     * @param pgdSteps        PGD steps of the robustness curve
     * @param robustSamples   test images attacked per epsilon (0 = all)
     * @param detectorEpsilon FGSM epsilon the detector is evaluated (and tuned) against
     * @param detectorFpr     false-positive rate the detector threshold is calibrated at
     * @param modelDir        where the SavedModel + card go (null = no export)
     * @param reportDir       where the report goes (null = no report)
     * @param datasetName     dataset name for the card
     * @param datasetDescription what the data is, for the card
     * @param initFrom        SavedModel whose matching variables (name and shape) initialise the
     *                        network (fine-tuning), or null to start from the seeded initialisation
     * @param detectorMode    feature squeezing, the learned detector network, or both (flag = either)
     * @param learnedSettings how the learned detector is trained (null = defaults seeded from the config)
     */
    public record Options(String name, String version, TrainingConfig config, Augmentation augmentation,
            double[] epsilons, int pgdSteps, int robustSamples, double detectorEpsilon, double detectorFpr,
            Path modelDir, Path reportDir, String datasetName, String datasetDescription, Path initFrom,
            DetectorMode detectorMode, DetectorTrainer.Settings learnedSettings) {

        public Options {
            detectorMode = detectorMode == null ? DetectorMode.SQUEEZE : detectorMode;
        }

        /** Feature squeezing only. */
        public Options(String name, String version, TrainingConfig config, Augmentation augmentation,
                double[] epsilons, int pgdSteps, int robustSamples, double detectorEpsilon, double detectorFpr,
                Path modelDir, Path reportDir, String datasetName, String datasetDescription, Path initFrom) {
            this(name, version, config, augmentation, epsilons, pgdSteps, robustSamples, detectorEpsilon, detectorFpr,
                    modelDir, reportDir, datasetName, datasetDescription, initFrom, DetectorMode.SQUEEZE, null);
        }

        public Options(String name, String version, TrainingConfig config, Augmentation augmentation,
                double[] epsilons, int pgdSteps, int robustSamples, double detectorEpsilon, double detectorFpr,
                Path modelDir, Path reportDir, String datasetName, String datasetDescription) {
            this(name, version, config, augmentation, epsilons, pgdSteps, robustSamples, detectorEpsilon, detectorFpr,
                    modelDir, reportDir, datasetName, datasetDescription, null);
        }
    }

    /** Which detector the model gets. */
    public enum DetectorMode {
        SQUEEZE, LEARNED, BOTH;

        /** squeeze | learned | both (case-insensitive). */
        public static DetectorMode parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown detector '" + s + "' (squeeze, learned, both)");
            }
        }
    }

    /** Sub-folder of the model folder that holds the learned detector's SavedModel. */
    public static final String LEARNED_DETECTOR_DIR = "detector";

    public record Result(ModelCard card, Map<String, Object> report, Fitter.History history, Path modelDir,
            Path reportDir) {
    }

    private Pipeline() {
    }

    public static Result run(DataLoaders.Splits data, Options o, PrintProgress log) throws IOException {
        Dataset train = data.train();
        ModelCard.Input input = new ModelCard.Input(train.height(), train.width(), train.channels(), 0, 1);
        Map<String, Object> training = new LinkedHashMap<>(o.config().asMap());
        training.put("augmentation", o.augmentation().toString());
        if (o.initFrom() != null) {
            training.put("initializedFrom", o.initFrom().toString());
        }
        training.put("split", data.splitMethod());
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("train", train.size());
        counts.put("validation", data.validation().size());
        counts.put("test", data.test().size());
        ModelCard card = new ModelCard(o.name(), o.version(), train.labels(), input, ModelCard.Signatures.DEFAULT,
                training, new ModelCard.Dataset(o.datasetName(), train.fingerprint(), counts, o.datasetDescription()),
                Map.of(), null, Instant.now());
        log.line(String.format("training %s %s: %s, %d train / %d validation / %d test images %dx%dx%d, labels %s",
                o.name(), o.version(), o.config().architecture(), train.size(), data.validation().size(),
                data.test().size(), input.height(), input.width(), input.channels(), train.labels()));
        try (TrainableNetwork net = new TrainableNetwork(card, o.config())) {
            log.line("parameters: " + net.parameterCount() + ", adversarial training: "
                    + o.config().asMap().get("adversarialTraining"));
            if (o.initFrom() != null) {
                List<String> init = net.initializeFrom(o.initFrom());
                log.line("initialised " + init.size() + " of " + net.variableCount() + " variables from " + o.initFrom()
                        + (init.size() < net.variableCount() ? " (the others start from the seeded initialisation)" : ""));
                if (init.isEmpty()) {
                    throw new IllegalArgumentException("no variable of " + o.initFrom()
                            + " matches this network (name and shape); is it an Aegis SavedModel of the same architecture?");
                }
            }
            Fitter.History history = Fitter.fit(net, train, data.validation(), o.augmentation(), listener(log, o));
            log.line(String.format("best epoch %d of %d%s, %.1f s", history.bestEpoch(), history.epochs().size(),
                    history.stoppedEarly() ? " (early stop)" : "", history.totalSeconds()));

            Map<String, Double> metrics = new LinkedHashMap<>();
            Fitter.Evaluation test = Fitter.evaluate(net, data.test());
            metrics.put("test_accuracy", test.accuracy());
            metrics.put("test_loss", test.loss());
            metrics.put("epochs_run", (double) history.epochs().size());
            metrics.put("seconds_per_epoch", history.totalSeconds() / Math.max(1, history.epochs().size()));
            log.line(String.format("test accuracy %.4f", test.accuracy()));

            Dataset robustSet = o.robustSamples() > 0 ? data.test().first(o.robustSamples()) : data.test();
            Map<String, List<double[]>> curves = robustness(net, robustSet, o, log);
            for (var e : curves.entrySet()) {
                for (double[] point : e.getValue()) {
                    metrics.put(e.getKey() + "_" + trim(point[0]) + "_accuracy", point[1]);
                }
            }

            Detection det = o.detectorMode() == DetectorMode.LEARNED ? null
                    : detector(net, data.validation(), robustSet, o, log);
            LearnedDetection learned = null;
            try {
                if (o.detectorMode() != DetectorMode.SQUEEZE) {
                    learned = learnedDetector(net, data, robustSet, det, o, log);
                    det = learned.detection();
                    metrics.put("detector_learned_tpr", learned.learnedTpr());
                    metrics.put("detector_learned_fpr", learned.learnedFpr());
                    if (o.detectorMode() == DetectorMode.BOTH) {
                        metrics.put("detector_squeeze_tpr", learned.squeezeTpr());
                        metrics.put("detector_squeeze_fpr", learned.squeezeFpr());
                    }
                }
                metrics.put("detector_tpr", det.tpr());
                metrics.put("detector_fpr", det.fpr());
                card = card.withMetrics(metrics).withDetector(det.settings());

                Map<String, Object> report = new LinkedHashMap<>();
                report.put("model", Map.of("name", card.name(), "version", card.version()));
                report.put("metrics", metrics);
                report.put("training", training);
                report.put("history", history.epochs());
                report.put("confusion", confusion(test.predicted(), data.test()));
                report.put("perClass", perClass(test.predicted(), data.test()));
                report.put("robustness", curves);
                report.put("detector", Map.of("settings", det.settings(), "tpr", det.tpr(), "fpr", det.fpr(),
                        "successfulAttacks", det.successful(), "epsilon", o.detectorEpsilon()));
                if (o.modelDir() != null) {
                    net.export(o.modelDir(), card);
                    log.line("exported SavedModel + model-card.json to " + o.modelDir());
                    if (learned != null) {
                        Path dir = o.modelDir().resolve(LEARNED_DETECTOR_DIR);
                        learned.network().export(dir, learned.card());
                        log.line("exported the learned detector to " + dir);
                    }
                }
                if (o.reportDir() != null) {
                    Files.createDirectories(o.reportDir());
                    Reports.write(o.reportDir(), report, history, curves, det, data.test(), test.predicted());
                    log.line("report written to " + o.reportDir());
                }
                return new Result(card, report, history, o.modelDir(), o.reportDir());
            } finally {
                if (learned != null) {
                    learned.close();
                }
            }
        }
    }

    /**
     * The trained detector network (closed by {@link #run} after export), its card, the combined
     * detection measured on the test images, and each part's share of it.
     */
    record LearnedDetection(TrainableNetwork network, ModelCard card, Detection detection, double learnedTpr,
            double learnedFpr, double squeezeTpr, double squeezeFpr) implements AutoCloseable {
        @Override
        public void close() {
            network.close();
        }
    }

    /**
     * Trains the learned detector on adversarial versions of training images, calibrates it (and,
     * with feature squeezing, both thresholds together so that the union of their flags stays within
     * the target FPR) on clean validation images, and measures it once on the test images.
     */
    static LearnedDetection learnedDetector(TrainableNetwork net, DataLoaders.Splits data, Dataset test,
            Detection squeeze, Options o, PrintProgress log) {
        DetectorTrainer.Settings s = o.learnedSettings() != null ? o.learnedSettings()
                : DetectorTrainer.Settings.defaults(o.config().seed() ^ 0xD37EC7L, o.config().threads());
        Dataset validation = data.validation();
        // calibration on the first 3,000 validation images (as the squeezer choice); EarlyStopping of
        // the detector network on the others when there are enough of them
        Dataset calib = validation.first(3000);
        Dataset fitVal = calib;
        if (validation.size() - calib.size() >= 100) {
            int[] rest = new int[Math.min(2000, validation.size() - calib.size())];
            for (int i = 0; i < rest.length; i++) {
                rest[i] = calib.size() + i;
            }
            fitVal = validation.subset(rest);
        }
        long t0 = System.nanoTime();
        log.line("learned detector: " + s.describe() + ", up to " + s.epochs() + " epochs");
        TrainableNetwork detNet = DetectorTrainer.train(net, data.train(), fitVal, s, new Fitter.Listener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double loss, double accuracy) {
                log.bar(String.format("detector %d/%d", epoch, s.epochs()), batch, batches,
                        String.format("loss %.4f acc %.4f", loss, accuracy));
            }

            @Override
            public void onEpoch(Fitter.EpochStats e) {
                log.line(String.format("detector epoch %d: loss %.4f acc %.4f | val_loss %.4f val_acc %.4f | %.1f s",
                        e.epoch(), e.trainLoss(), e.trainAccuracy(), e.valLoss(), e.valAccuracy(), e.seconds()));
            }
        });
        try {
            List<Squeezer> squeezers = squeeze == null ? List.of()
                    : FeatureSqueezingDetector.parse(squeeze.settings().squeezers());
            double[] cleanL = DetectorTrainer.scores(detNet, calib.x());
            float[][] calibAdv = DetectorTrainer.adversarial(net, calib.x(), calib.y(), s, s.seed() + 3);
            double[] advL = DetectorTrainer.scores(detNet, calibAdv);
            double[] cleanS = squeezers.isEmpty() ? null : FeatureSqueezingDetector.scores(net, calib.x(), squeezers);
            double[] advS = squeezers.isEmpty() ? null : FeatureSqueezingDetector.scores(net, calibAdv, squeezers);
            AdversarialDetector.Calibration c = AdversarialDetector.calibrate(cleanS, cleanL, advS, advL,
                    o.detectorFpr());
            ModelCard.Learned part = new ModelCard.Learned(LEARNED_DETECTOR_DIR, c.learnedThreshold(), s.describe());
            ModelCard.Detector settings = squeezers.isEmpty()
                    ? new ModelCard.Detector(List.of(), 0, o.detectorFpr(), part)
                    : new ModelCard.Detector(squeeze.settings().squeezers(), c.squeezeThreshold(), o.detectorFpr(), part);
            log.line(String.format("learned detector: threshold %.4f%s (budget share of the learned part %.1f), "
                    + "validation: FPR %.4f on %d clean, TPR %.4f on %d mixed FGSM/PGD examples, %.1f s",
                    c.learnedThreshold(), squeezers.isEmpty() ? "" : String.format(", squeezing threshold %.4f",
                            c.squeezeThreshold()), c.learnedShare(), c.cleanFpr(), calib.size(), c.adversarialTpr(),
                    calibAdv.length, (System.nanoTime() - t0) / 1e9));

            AdversarialDetector d = new AdversarialDetector(net, settings, detNet);
            float[][] testAdv = successfulAdversarial(net, test, o.detectorEpsilon());
            List<AdversarialDetector.Scores> clean = d.scores(test.x());
            List<AdversarialDetector.Scores> adv = d.scores(testAdv);
            double st = settings.threshold();
            double lt = part.threshold();
            double fpr = share(clean, x -> x.combined() > 1);
            double tpr = share(adv, x -> x.combined() > 1);
            double lFpr = share(clean, x -> x.learned() > lt);
            double lTpr = share(adv, x -> x.learned() > lt);
            double sFpr = squeezers.isEmpty() ? 0 : share(clean, x -> x.squeeze() > st);
            double sTpr = squeezers.isEmpty() ? 0 : share(adv, x -> x.squeeze() > st);
            log.line(String.format("detector (%s): test TPR %.4f on %d successful FGSM(%.2f) examples, FPR %.4f on %d "
                    + "clean test images; learned part TPR %.4f FPR %.4f%s", o.detectorMode().name().toLowerCase(),
                    tpr, testAdv.length, o.detectorEpsilon(), fpr, test.size(), lTpr, lFpr, squeezers.isEmpty() ? ""
                            : String.format(", squeezing part TPR %.4f FPR %.4f", sTpr, sFpr)));
            Detection det = new Detection(settings, tpr, fpr, testAdv.length,
                    clean.stream().mapToDouble(x -> Math.min(3, x.combined())).toArray(),
                    adv.stream().mapToDouble(x -> Math.min(3, x.combined())).toArray());
            return new LearnedDetection(detNet, DetectorTrainer.card(net.card(), s), det, lTpr, lFpr, sTpr, sFpr);
        } catch (RuntimeException e) {
            detNet.close();
            throw e;
        }
    }

    private static double share(List<AdversarialDetector.Scores> scores,
            java.util.function.Predicate<AdversarialDetector.Scores> flagged) {
        return scores.isEmpty() ? 0 : (double) scores.stream().filter(flagged).count() / scores.size();
    }

    static Fitter.Listener listener(PrintProgress log, Options o) {
        return new Fitter.Listener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double loss, double accuracy) {
                log.bar(String.format("epoch %2d/%d", epoch, o.config().epochs()), batch, batches,
                        String.format("loss %.4f acc %.4f", loss, accuracy));
            }

            @Override
            public void onEpoch(Fitter.EpochStats s) {
                log.line(String.format("epoch %2d: loss %.4f acc %.4f | val_loss %.4f val_acc %.4f%s | lr %.2e | %.1f s%s",
                        s.epoch(), s.trainLoss(), s.trainAccuracy(), s.valLoss(), s.valAccuracy(),
                        Double.isNaN(s.valAdvAccuracy()) ? "" : String.format(" val_adv_acc %.4f", s.valAdvAccuracy()),
                        s.learningRate(), s.seconds(), s.improved() ? " *" : ""));
            }
        };
    }

    /** Accuracy under FGSM and PGD for each epsilon: {"fgsm": [[eps, acc]...], "pgdN": ...}. */
    static Map<String, List<double[]>> robustness(Classifier net, Dataset set, Options o, PrintProgress log) {
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        List<double[]> fgsm = new ArrayList<>();
        List<double[]> pgd = new ArrayList<>();
        for (double eps : o.epsilons()) {
            fgsm.add(new double[] {eps, attackedAccuracy(net, set, AttackSpec.fgsm(eps))});
            pgd.add(new double[] {eps, eps == 0 ? fgsm.get(fgsm.size() - 1)[1]
                    : attackedAccuracy(net, set, AttackSpec.pgd(eps, o.pgdSteps(), o.config().seed()))});
            log.line(String.format("eps %.3f: FGSM accuracy %.4f, PGD-%d accuracy %.4f", eps,
                    fgsm.get(fgsm.size() - 1)[1], o.pgdSteps(), pgd.get(pgd.size() - 1)[1]));
        }
        curves.put("fgsm", fgsm);
        curves.put("pgd" + o.pgdSteps(), pgd);
        return curves;
    }

    static double attackedAccuracy(Classifier net, Dataset set, AttackSpec spec) {
        int correct = 0;
        int chunk = 256;
        for (int start = 0; start < set.size(); start += chunk) {
            int n = Math.min(chunk, set.size() - start);
            float[][] x = java.util.Arrays.copyOfRange(set.x(), start, start + n);
            int[] y = java.util.Arrays.copyOfRange(set.y(), start, start + n);
            float[][] adv = Attacker.perturb(net, x, y, spec, -1).adversarial();
            float[][] p = net.probabilities(adv);
            for (int i = 0; i < n; i++) {
                if (argMax(p[i]) == y[i]) {
                    correct++;
                }
            }
        }
        return (double) correct / Math.max(1, set.size());
    }

    /** Detector tuned on validation (squeezer choice), threshold at the target FPR, measured on test. */
    public record Detection(ModelCard.Detector settings, double tpr, double fpr, int successful, double[] cleanScores,
            double[] adversarialScores) {
    }

    /** Squeezers the detector chooses from (pixel-space [0,1] images). */
    static List<Squeezer> candidateSqueezers(ModelCard.Input input) {
        // non-local means (the paper's CIFAR squeezer) is left out: on Fashion-MNIST it barely moves
        // the predictions of FGSM examples (0% detected at 4.5% FPR with 11-3-4, 3% with 11-3-8)
        List<Squeezer> c = new ArrayList<>();
        for (int bits = 1; bits <= 5; bits++) {
            c.add(new Squeezer.BitDepth(bits));
        }
        c.add(new Squeezer.Median(2));
        c.add(new Squeezer.Median(3));
        return c;
    }

    /**
     * Detector tuned on validation data: every combination of up to three candidate squeezers (the
     * score is the max of their L1 distances, the paper's joint detector) is calibrated at the target
     * FPR on clean validation images, and the one that flags the most successful FGSM examples made
     * from validation images wins (ties: fewer squeezers). Then measured once on test images.
     */
    static Detection detector(Classifier net, Dataset validation, Dataset test, Options o, PrintProgress log) {
        List<Squeezer> candidates = candidateSqueezers(net.card().input());
        Dataset val = validation.first(3000);
        float[][] valAdv = successfulAdversarial(net, val, o.detectorEpsilon());
        double[][] cleanD = FeatureSqueezingDetector.distances(net, val.x(), candidates);
        double[][] advD = FeatureSqueezingDetector.distances(net, valAdv, candidates);
        Choice choice = chooseSqueezers(cleanD, advD, o.detectorFpr(), 3);
        List<Squeezer> chosen = choice.indices().stream().map(candidates::get).toList();
        ModelCard.Detector best = new ModelCard.Detector(chosen.stream().map(Squeezer::spec).toList(),
                choice.threshold(), o.detectorFpr());
        double[] clean = FeatureSqueezingDetector.scores(net, test.x(), chosen);
        float[][] testAdv = successfulAdversarial(net, test, o.detectorEpsilon());
        double[] adv = testAdv.length == 0 ? new double[0] : FeatureSqueezingDetector.scores(net, testAdv, chosen);
        double fpr = fraction(clean, best.threshold());
        double tpr = adv.length == 0 ? 0 : fraction(adv, best.threshold());
        log.line(String.format("detector: squeezers %s, threshold %.4f (validation TPR %.4f on %d successful FGSM "
                + "examples) -> test TPR %.4f on %d successful FGSM(%.2f) examples, FPR %.4f on %d clean test images",
                best.squeezers(), best.threshold(), choice.tpr(), valAdv.length, tpr, adv.length,
                o.detectorEpsilon(), fpr, clean.length));
        return new Detection(best, tpr, fpr, adv.length, clean, adv);
    }

    /** A squeezer combination: indices into the candidates, its threshold and validation TPR. */
    record Choice(List<Integer> indices, double threshold, double tpr) {
    }

    /**
     * Best combination of at most {@code maxSize} squeezers given per-squeezer distances
     * {@code [squeezer][image]} of clean and adversarial validation images.
     */
    static Choice chooseSqueezers(double[][] cleanD, double[][] advD, double fpr, int maxSize) {
        Choice best = null;
        int n = cleanD.length;
        for (int mask = 1; mask < (1 << n); mask++) {
            if (Integer.bitCount(mask) > maxSize) {
                continue;
            }
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    idx.add(i);
                }
            }
            double t = FeatureSqueezingDetector.thresholdAt(jointScores(cleanD, idx), fpr);
            double tpr = fraction(jointScores(advD, idx), t);
            if (best == null || tpr > best.tpr() + 1e-12
                    || (Math.abs(tpr - best.tpr()) <= 1e-12 && idx.size() < best.indices().size())) {
                best = new Choice(idx, t, tpr);
            }
        }
        return best;
    }

    static double[] jointScores(double[][] d, List<Integer> idx) {
        double[] s = new double[d.length == 0 ? 0 : d[0].length];
        for (int i : idx) {
            for (int j = 0; j < s.length; j++) {
                s[j] = Math.max(s[j], d[i][j]);
            }
        }
        return s;
    }

    static float[][] successfulAdversarial(Classifier net, Dataset set, double eps) {
        return successfulAdversarial(net, set, AttackSpec.fgsm(eps));
    }

    /** Adversarial examples of {@code spec} that flip a correct prediction. */
    static float[][] successfulAdversarial(Classifier net, Dataset set, AttackSpec spec) {
        List<float[]> out = new ArrayList<>();
        int chunk = 256;
        for (int start = 0; start < set.size(); start += chunk) {
            int n = Math.min(chunk, set.size() - start);
            float[][] x = java.util.Arrays.copyOfRange(set.x(), start, start + n);
            int[] y = java.util.Arrays.copyOfRange(set.y(), start, start + n);
            float[][] p0 = net.probabilities(x);
            float[][] adv = Attacker.perturb(net, x, y, spec.withSeed(spec.seed() + start), -1).adversarial();
            float[][] p = net.probabilities(adv);
            for (int i = 0; i < n; i++) {
                // successful = the model was right on the clean image and is wrong on the adversarial one
                if (argMax(p0[i]) == y[i] && argMax(p[i]) != y[i]) {
                    out.add(adv[i]);
                }
            }
        }
        return out.toArray(new float[0][]);
    }

    static double fraction(double[] scores, double threshold) {
        if (scores.length == 0) {
            return 0;
        }
        int n = 0;
        for (double s : scores) {
            if (s > threshold) {
                n++;
            }
        }
        return (double) n / scores.length;
    }

    static int[][] confusion(int[] predicted, Dataset test) {
        int k = test.labels().size();
        int[][] m = new int[k][k];
        for (int i = 0; i < predicted.length; i++) {
            m[test.y()[i]][predicted[i]]++;
        }
        return m;
    }

    static Map<String, Map<String, Double>> perClass(int[] predicted, Dataset test) {
        int[][] m = confusion(predicted, test);
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (int c = 0; c < m.length; c++) {
            int tp = m[c][c];
            int actual = 0;
            int pred = 0;
            for (int j = 0; j < m.length; j++) {
                actual += m[c][j];
                pred += m[j][c];
            }
            double precision = pred == 0 ? 0 : (double) tp / pred;
            double recall = actual == 0 ? 0 : (double) tp / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            out.put(test.labels().get(c), Map.of("precision", precision, "recall", recall, "f1", f1,
                    "support", (double) actual));
        }
        return out;
    }

    static int argMax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    static String trim(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
