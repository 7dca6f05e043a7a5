package dev.aegis.adversarial.robustness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws a report as a PNG line chart: accuracy and success rate against epsilon. */
public final class RobustnessChart {

    private RobustnessChart() {
    }

    public static byte[] png(RobustnessReport report, int width, int height) {
        XYSeries accuracy = new XYSeries("accuracy (" + report.accuracyBasis() + ")");
        XYSeries success = new XYSeries("attack success rate");
        XYSeries flagged = new XYSeries("detector flagged");
        for (RobustnessReport.Point p : report.points()) {
            if (p.accuracy() != null) {
                accuracy.add(p.epsilon(), p.accuracy());
                success.add(p.epsilon(), p.successRate());
                flagged.add(p.epsilon(), p.flaggedRate());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(accuracy);
        data.addSeries(success);
        data.addSeries(flagged);
        String title = report.method() + " robustness, " + report.images() + " image(s)"
                + (report.status() == RobustnessReport.Status.RUNNING ? " (partial)" : "");
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epsilon (pixel scale)", "rate", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getRangeAxis().setRange(0.0, 1.0);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < 3; i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
