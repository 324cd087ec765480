package io.github.vqlc.experiments.sweep.report;

import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Renders a sweep's results from its cells' directories alone: {@code results.csv},
 * {@code table.md} and plots against the codebook size: {@code utilization-vs-codebook.png},
 * {@code utilization-last-epoch-vs-codebook.png}, {@code utilization-window-vs-codebook.png} and
 * {@code rfid-vs-codebook.png}, each once some cell reports its metric. Cells without metrics.json are empty rows.
 */
public final class Aggregation {

    /** A plot against the codebook size, written when some cell reports its metric. */
    private record Plot(String file, String metric, String yLabel, DoubleUnaryOperator scale) {}

    private static final List<Plot> PLOTS = List.of(
            new Plot("utilization-vs-codebook.png", "utilization", "utilization (%)", v -> 100 * v),
            new Plot(
                    "utilization-last-epoch-vs-codebook.png",
                    "utilization_last_epoch",
                    "utilization over the last epoch (%)",
                    v -> 100 * v),
            new Plot(
                    "utilization-window-vs-codebook.png",
                    "utilization_window",
                    "utilization over the last 65,536 tokens (%)",
                    v -> 100 * v),
            new Plot("rfid-vs-codebook.png", "rfid", "rFID", v -> v));

    private Aggregation() {}

    /** Writes the files into {@code sweepDir} (each atomically) and returns their paths. */
    public static List<Path> write(SweepSpec spec, List<Cell> cells, Path sweepDir) {
        List<GroupResult> groups = GroupResult.read(cells, sweepDir);
        List<Path> written = new ArrayList<>();
        Path csv = sweepDir.resolve("results.csv");
        AtomicFiles.writeString(csv, ResultsCsv.render(spec, groups));
        written.add(csv);
        Path table = sweepDir.resolve("table.md");
        AtomicFiles.writeString(table, ResultsTable.render(spec, groups));
        written.add(table);
        for (Plot p : PLOTS) {
            Path file = sweepDir.resolve(p.file());
            if (ResultPlots.write(file, spec, groups, p.metric(), p.yLabel(), p.scale())) {
                written.add(file);
            }
        }
        return written;
    }
}
