package io.github.vqlc.eval.usage;

import io.github.vqlc.core.io.AtomicFiles;
import java.awt.Color;
import java.nio.file.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeriesCollection;

/** The look every vqlc line chart shares (white background, 13 pt title) and its PNG output. */
public final class LineCharts {

    private LineCharts() {}

    /** An XY line chart of {@code data}, with a legend when {@code legend}. */
    public static JFreeChart create(
            String title, String xLabel, String yLabel, XYSeriesCollection data, boolean legend) {
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, legend, false, false);
        chart.getXYPlot().setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(13f));
        return chart;
    }

    /** Writes {@code chart} as a PNG, atomically. */
    public static void write(Path file, JFreeChart chart, int width, int height) {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }
}
