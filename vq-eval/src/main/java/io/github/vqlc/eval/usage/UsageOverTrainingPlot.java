package io.github.vqlc.eval.usage;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Window utilization (percent of the codebook) against the training step, from log.jsonl's lines. */
public final class UsageOverTrainingPlot {

    /** One logged point: the step and the fraction of codes the window used. */
    public record Point(int step, double utilization) {}

    private UsageOverTrainingPlot() {}

    /**
     * @param windowTokens the tokens each point counts (for the axis label)
     * @param label the run, for the title
     */
    public static void write(Path file, List<Point> points, long windowTokens, int codebookSize, String label) {
        XYSeries series = new XYSeries("window");
        for (Point p : points) {
            series.addOrUpdate(p.step(), 100 * p.utilization());
        }
        String title = String.format(
                "%s: codes used by the last %,d training tokens (all of them until the window fills), of %,d",
                label, windowTokens, codebookSize);
        JFreeChart chart =
                LineCharts.create(title, "training step", "utilization (%)", new XYSeriesCollection(series), false);
        XYPlot plot = chart.getXYPlot();
        plot.getRangeAxis().setLowerBound(0);
        plot.getRenderer().setSeriesPaint(0, new Color(0x1f77b4));
        LineCharts.write(file, chart, 800, 450);
    }
}
