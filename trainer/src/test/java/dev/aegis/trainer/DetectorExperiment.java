package dev.aegis.trainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.detect.FeatureSqueezingDetector;
import dev.aegis.model.detect.Squeezer;
import dev.aegis.model.train.Dataset;

/**
 * Experiment harness (not a test): measures every squeezer combination on a saved Fashion-MNIST
 * model in a few minutes, without retraining. Chooses on validation images, reports test images.
 *
 * <pre>
 * java -cp trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/test.cp) \
 *     dev.aegis.trainer.DetectorExperiment MODEL_DIR [IDX_DIR] [EPS] [FPR] [MORE SQUEEZERS...]
 * </pre>
 */
public final class DetectorExperiment {

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        Path idx = Path.of(args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist");
        double eps = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        double fpr = args.length > 3 ? Double.parseDouble(args[3]) : 0.045;
        long t0 = System.nanoTime();
        DataLoaders.Splits data = DataLoaders.idx(idx, DataLoaders.FASHION_MNIST_LABELS, 5000, 42, 0);
        try (Model m = Model.load(modelDir, RuntimeOptions.threads(2))) {
            Dataset val = data.validation();
            Dataset test = data.test();
            List<Squeezer> cands = new ArrayList<>(Pipeline.candidateSqueezers(m.card().input()));
            for (int i = 4; i < args.length; i++) {
                cands.add(Squeezer.parse(args[i]));
            }
            float[][] valAdv = Pipeline.successfulAdversarial(m, val, eps);
            float[][] testAdv = Pipeline.successfulAdversarial(m, test, eps);
            System.out.printf("successful FGSM(%.2f): validation %d/%d, test %d/%d (%.1f s)%n", eps, valAdv.length,
                    val.size(), testAdv.length, test.size(), (System.nanoTime() - t0) / 1e9);
            double[][] vc = timed("val clean", () -> FeatureSqueezingDetector.distances(m, val.x(), cands), t0);
            double[][] va = timed("val adv", () -> FeatureSqueezingDetector.distances(m, valAdv, cands), t0);
            double[][] tc = timed("test clean", () -> FeatureSqueezingDetector.distances(m, test.x(), cands), t0);
            double[][] ta = timed("test adv", () -> FeatureSqueezingDetector.distances(m, testAdv, cands), t0);
            for (int s = 0; s < cands.size(); s++) {
                double t = FeatureSqueezingDetector.thresholdAt(vc[s], fpr);
                System.out.printf("%-26s clean median %.4f p95 %.4f | adv median %.4f | threshold %.4f val TPR %.4f "
                        + "| test TPR %.4f FPR %.4f%n", cands.get(s).spec(), q(vc[s], 0.5), q(vc[s], 0.95),
                        q(va[s], 0.5), t, Pipeline.fraction(va[s], t), Pipeline.fraction(ta[s], t),
                        Pipeline.fraction(tc[s], t));
            }
            List<double[]> rows = new ArrayList<>();
            int n = cands.size();
            for (int mask = 1; mask < (1 << n); mask++) {
                if (Integer.bitCount(mask) > 3) {
                    continue;
                }
                List<Integer> ix = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if ((mask & (1 << i)) != 0) {
                        ix.add(i);
                    }
                }
                double t = FeatureSqueezingDetector.thresholdAt(Pipeline.jointScores(vc, ix), fpr);
                rows.add(new double[] {mask, Pipeline.fraction(Pipeline.jointScores(va, ix), t),
                        Pipeline.fraction(Pipeline.jointScores(ta, ix), t),
                        Pipeline.fraction(Pipeline.jointScores(tc, ix), t), t});
            }
            rows.sort((a, b) -> Double.compare(b[1], a[1]));
            System.out.println("best combinations by validation TPR:");
            for (double[] r : rows.subList(0, Math.min(15, rows.size()))) {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (((int) r[0] & (1 << i)) != 0) {
                        names.add(cands.get(i).spec());
                    }
                }
                System.out.printf("  %-70s val TPR %.4f | test TPR %.4f FPR %.4f | threshold %.4f%n", names, r[1], r[2],
                        r[3], r[4]);
            }
            Pipeline.Choice c = Pipeline.chooseSqueezers(vc, va, fpr, 3);
            System.out.println("chosen: " + c.indices().stream().map(i -> cands.get(i).spec()).toList() + " val TPR "
                    + c.tpr());
        }
    }

    interface Work {
        double[][] run();
    }

    static double[][] timed(String what, Work w, long t0) {
        double[][] r = w.run();
        System.out.printf("%s done (%.1f s)%n", what, (System.nanoTime() - t0) / 1e9);
        return r;
    }

    static double q(double[] v, double p) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.floor(p * s.length))];
    }
}
