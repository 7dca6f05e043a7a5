package dev.aegis.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.Fitter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The report folder: metrics.json, confusion-matrix.csv, per-class.csv and PNG charts. */
final class Reports {

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Reports() {
    }

    static void write(Path dir, Map<String, Object> report, Fitter.History history, Map<String, List<double[]>> curves,
            Pipeline.Detection det, Dataset test, int[] predicted) throws IOException {
        Files.writeString(dir.resolve("metrics.json"), JSON.writeValueAsString(report));
        int[][] m = Pipeline.confusion(predicted, test);
        StringBuilder csv = new StringBuilder("true\\predicted");
        for (String l : test.labels()) {
            csv.append(',').append(quote(l));
        }
        csv.append('\n');
        for (int i = 0; i < m.length; i++) {
            csv.append(quote(test.labels().get(i)));
            for (int v : m[i]) {
                csv.append(',').append(v);
            }
            csv.append('\n');
        }
        Files.writeString(dir.resolve("confusion-matrix.csv"), csv);
        StringBuilder pc = new StringBuilder("label,precision,recall,f1,support\n");
        Pipeline.perClass(predicted, test).forEach((label, v) -> pc.append(String.format(java.util.Locale.ROOT,
                "%s,%.4f,%.4f,%.4f,%.0f%n", quote(label), v.get("precision"), v.get("recall"), v.get("f1"),
                v.get("support"))));
        Files.writeString(dir.resolve("per-class.csv"), pc);

        XYSeries loss = new XYSeries("train loss");
        XYSeries valLoss = new XYSeries("validation loss");
        XYSeries acc = new XYSeries("train accuracy");
        XYSeries valAcc = new XYSeries("validation accuracy");
        for (Fitter.EpochStats s : history.epochs()) {
            loss.add(s.epoch(), s.trainLoss());
            valLoss.add(s.epoch(), s.valLoss());
            acc.add(s.epoch(), s.trainAccuracy());
            valAcc.add(s.epoch(), s.valAccuracy());
        }
        save(dir.resolve("training-loss.png"), ChartFactory.createXYLineChart("Loss per epoch", "epoch", "loss",
                collection(loss, valLoss), PlotOrientation.VERTICAL, true, false, false));
        save(dir.resolve("training-accuracy.png"), ChartFactory.createXYLineChart("Accuracy per epoch", "epoch",
                "accuracy", collection(acc, valAcc), PlotOrientation.VERTICAL, true, false, false));

        XYSeriesCollection robust = new XYSeriesCollection();
        for (var e : curves.entrySet()) {
            XYSeries s = new XYSeries(e.getKey().toUpperCase());
            for (double[] p : e.getValue()) {
                s.add(p[0], p[1]);
            }
            robust.addSeries(s);
        }
        save(dir.resolve("accuracy-vs-epsilon.png"), ChartFactory.createXYLineChart("Accuracy under attack",
                "epsilon (pixel space, L-inf)", "accuracy", robust, PlotOrientation.VERTICAL, true, false, false));

        DefaultCategoryDataset rates = new DefaultCategoryDataset();
        rates.addValue(det.tpr(), "rate", "detection rate (TPR)");
        rates.addValue(det.fpr(), "rate", "false positives (FPR)");
        boolean combined = det.settings().learned() != null;
        save(dir.resolve("detector-rates.png"), ChartFactory.createBarChart(combined
                ? (det.settings().squeezers().isEmpty() ? "Learned detector" : "Learned + feature-squeezing detector")
                : "Feature-squeezing detector", "",
                "rate", rates, PlotOrientation.VERTICAL, false, false, false));
        if (det.cleanScores().length > 0 && det.adversarialScores().length > 0) {
            HistogramDataset h = new HistogramDataset();
            // combined scores are max(part / its threshold), flagged above 1 (capped at 3 for the chart)
            double max = combined ? 3 : 2;
            h.addSeries("clean", det.cleanScores(), 40, 0, max);
            h.addSeries("adversarial (successful FGSM)", det.adversarialScores(), 40, 0, max);
            save(dir.resolve("detector-scores.png"), ChartFactory.createHistogram("Detector scores (threshold "
                    + String.format("%.3f", combined ? 1.0 : det.settings().threshold()) + ")",
                    combined ? "combined score (max of part / its threshold)" : "L1 score", "images", h,
                    PlotOrientation.VERTICAL, true, false, false));
        }
    }

    private static XYSeriesCollection collection(XYSeries... series) {
        XYSeriesCollection c = new XYSeriesCollection();
        for (XYSeries s : series) {
            c.addSeries(s);
        }
        return c;
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, 500);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
