package io.github.vqlc.experiments.cli;

import io.github.vqlc.experiments.sweep.execution.SweepDirectory;
import io.github.vqlc.experiments.sweep.report.Aggregation;
import io.github.vqlc.experiments.sweep.spec.CellExpansion;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "table",
        header = "Re-render a sweep's results from its cells' metrics.",
        mixinStandardHelpOptions = true,
        description = "Re-render a sweep's results.csv, table.md and plots from its cells' metrics.json. Needs "
                + "only the sweep directory (its sweep.conf and cell directories), e.g. one copied off a "
                + "cluster.")
final class TableCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_DIR", description = "A directory written by `vqlc sweep`.")
    Path dir;

    @Override
    public Integer call() {
        SweepSpec spec = SweepDirectory.readSpec(dir);
        for (Path p : Aggregation.write(spec, CellExpansion.expand(spec), dir)) {
            System.out.println("wrote " + p);
        }
        return 0;
    }
}
