package io.github.vqlc.eval.analysis;

import io.github.vqlc.eval.usage.LineCharts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The pictures of analysis.md. */
public final class AnalysisPlots {

    private static final int[] PALETTE = {0x1f77b4, 0xd62728, 0x2ca02c, 0x7f7f7f};

    private AnalysisPlots() {}

    /** Utilization (%) against images counted, log x, with the Chao1 estimate as a level line. */
    public static void rarefaction(
            Path file, List<Rarefaction.Point> curve, double chao1, int codebookSize, String label) {
        XYSeries used = new XYSeries("codes used");
        XYSeries reach = new XYSeries("Chao1 estimate");
        for (Rarefaction.Point p : curve) {
            used.add(p.images(), 100 * p.utilization());
            reach.add(p.images(), 100 * chao1 / codebookSize);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(used);
        data.addSeries(reach);
        JFreeChart chart = LineCharts.create(
                label + ": utilization against the images counted",
                "images counted (log)",
                "utilization (%)",
                data,
                true);
        LogarithmicAxis x = new LogarithmicAxis("images counted (log)");
        x.setAllowNegativesFlag(false);
        chart.getXYPlot().setDomainAxis(x);
        chart.getXYPlot().getRangeAxis().setLowerBound(0);
        style(chart);
        LineCharts.write(file, chart, 800, 450);
    }

    /** Dead fraction (%) per bin as bars. */
    public static void deadCodes(Path file, List<Bin> bins, String binsLabel, String label) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Bin b : bins) {
            data.addValue(100 * b.deadFraction(), "dead codes", b.label() + " (" + b.codes() + ")");
        }
        JFreeChart chart = ChartFactory.createBarChart(
                label + ": dead codes by " + binsLabel,
                binsLabel + " (codes in the bin)",
                "dead (%)",
                data,
                PlotOrientation.VERTICAL,
                false,
                false,
                false);
        chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        chart.getCategoryPlot().getRenderer().setSeriesPaint(0, new Color(PALETTE[1]));
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(13f));
        LineCharts.write(file, chart, 900, 450);
    }

    /** Sorted distances as empirical CDFs, one line per named sample. */
    public static void coverage(Path file, Map<String, float[]> distances, String label) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, float[]> e : distances.entrySet()) {
            float[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            XYSeries s = new XYSeries(e.getKey() + " (" + sorted.length + ")");
            int step = Math.max(1, sorted.length / 500);
            for (int i = 0; i < sorted.length; i += step) {
                s.add(sorted[i], 100.0 * (i + 1) / sorted.length);
            }
            if (sorted.length > 0) {
                s.addOrUpdate(sorted[sorted.length - 1], 100.0);
            }
            data.addSeries(s);
        }
        JFreeChart chart = LineCharts.create(
                label + ": distances in the latent space", "Euclidean distance", "cumulative share (%)", data, true);
        style(chart);
        LineCharts.write(file, chart, 800, 450);
    }

    private static void style(JFreeChart chart) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < PALETTE.length; i++) {
            r.setSeriesPaint(i, new Color(PALETTE[i]));
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        chart.getXYPlot().setRenderer(r);
    }
}
