package io.github.vqlc.experiments.sweep.report;

import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a sweep's results from its cells' directories alone: {@code results.csv},
 * {@code table.md}, {@code utilization-vs-codebook.png} and {@code rfid-vs-codebook.png} (the
 * latter only once some cell reports rFID). Cells without metrics.json are empty rows.
 */
public final class Aggregation {

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
        Path util = sweepDir.resolve("utilization-vs-codebook.png");
        if (ResultPlots.write(util, spec, groups, "utilization", "utilization (%)", v -> 100 * v)) {
            written.add(util);
        }
        Path rfid = sweepDir.resolve("rfid-vs-codebook.png");
        if (ResultPlots.write(rfid, spec, groups, "rfid", "rFID", v -> v)) {
            written.add(rfid);
        }
        return written;
    }
}
