package io.github.vqlc.experiments.sweep.report;

import io.github.vqlc.eval.usage.LineCharts;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A metric against codebook size (log x axis), one line per method (a group's row label without
 * its codebook size), points at the mean over seeds: the paper's "utilization stays near 100% as
 * the codebook grows" picture.
 */
public final class ResultPlots {

    /** Distinct colours that read on white (matplotlib's tab10). */
    private static final int[] PALETTE = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf
    };

    private ResultPlots() {}

    /**
     * Writes the plot when at least one group reports {@code metric}.
     *
     * @return whether a file was written
     */
    public static boolean write(
            Path file,
            SweepSpec spec,
            List<GroupResult> groups,
            String metric,
            String yLabel,
            DoubleUnaryOperator scale) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (GroupResult g : groups) {
            Optional<Long> k = ResultsTable.codebookSize(g);
            var s = g.stat(metric);
            if (k.isEmpty() || k.get() <= 0 || s.isEmpty()) {
                continue;
            }
            String name = ResultsTable.series(spec, g);
            series.computeIfAbsent(name, n -> new XYSeries(n, true, false))
                    .addOrUpdate((double) k.get(), scale.applyAsDouble(s.get().mean()));
        }
        if (series.isEmpty()) {
            return false;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = LineCharts.create(
                spec.name() + ": " + yLabel + " vs codebook size", "codebook size (log)", yLabel, data, true);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis x = new LogarithmicAxis("codebook size (log)");
        x.setAllowNegativesFlag(false);
        x.setStrictValuesFlag(false);
        plot.setDomainAxis(x);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, new Color(PALETTE[i % PALETTE.length]));
        }
        plot.setRenderer(renderer);
        LineCharts.write(file, chart, 800, 500);
        return true;
    }
}
