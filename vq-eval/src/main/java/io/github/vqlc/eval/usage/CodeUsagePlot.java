package io.github.vqlc.eval.usage;

import io.github.vqlc.core.stats.CodeUsage;
import java.awt.Color;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The sorted usage histogram: code rank (most used first) against its count, log scale, with
 * utilization and perplexity in the title. At 100K codes the curve is drawn from at most 2,000
 * evenly spaced ranks (plus the last used one) so the file stays small.
 */
public final class CodeUsagePlot {

    private CodeUsagePlot() {}

    public static void write(Path file, CodeUsage usage, String label) {
        long[] sorted = usage.sortedDescending();
        XYSeries series = new XYSeries("count");
        int step = Math.max(1, sorted.length / 2000);
        int used = usage.used();
        for (int rank = 0; rank < sorted.length; rank += step) {
            series.add(rank + 1, Math.max(sorted[rank], 0.5));
        }
        if (used > 0) {
            series.addOrUpdate(used, Math.max(sorted[used - 1], 0.5));
        }
        String title = String.format(
                "%s: %d / %d codes used (%.1f%%), perplexity %.1f",
                label, used, usage.codebookSize(), 100 * usage.utilization(), usage.perplexity());
        JFreeChart chart =
                LineCharts.create(title, "code rank (most used first)", "count", new XYSeriesCollection(series), false);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis y = new LogarithmicAxis("count (log; 0 drawn at 0.5)");
        y.setAllowNegativesFlag(false);
        plot.setRangeAxis(y);
        plot.getRenderer().setSeriesPaint(0, new Color(0x1f77b4));
        LineCharts.write(file, chart, 800, 450);
    }
}
