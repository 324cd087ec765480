package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.execution.CellConfigs;
import io.github.vqlc.experiments.sweep.execution.CellExecution;
import io.github.vqlc.experiments.sweep.execution.CellSpecs;
import io.github.vqlc.experiments.sweep.execution.ChildJvm;
import io.github.vqlc.experiments.sweep.execution.LocalSweepRunner;
import io.github.vqlc.experiments.sweep.execution.SlurmScript;
import io.github.vqlc.experiments.sweep.execution.SweepDirectory;
import io.github.vqlc.experiments.sweep.report.Aggregation;
import io.github.vqlc.experiments.sweep.report.ResultsTable;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.CellExpansion;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "sweep",
        header = "Run an ablation sweep, locally or as a Slurm job array.",
        mixinStandardHelpOptions = true,
        description = "Run an ablation sweep: every cell of a sweep spec (axes x seeds, docs/sweeps.md) as a run "
                + "directory <sweep.dir>/<cell>/, then results.csv, table.md and plots in <sweep.dir>. "
                + "Finished cells are skipped and crashed ones resumed, so rerunning a sweep is safe.",
        footer = {
            "",
            "Examples:",
            "  vqlc sweep -c configs/sweeps/fashion-mnist-table2.conf --dry-run",
            "  vqlc sweep -c configs/sweeps/fashion-mnist-table2.conf --parallel 2 -o train.steps=500",
            "  vqlc sweep -c configs/sweeps/imagenet-table2.conf --emit slurm   # then: sbatch <printed path>",
            "",
            "Exit codes: 0 all cells finished, 2 a user error, a failed cell, or a cell another run holds."
        })
final class SweepCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            required = true,
            description = "Sweep spec (HOCON, a `sweep { ... }` section).")
    Path file;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "sweep.<key>=v changes the spec; any other key=v is applied to every cell (like "
                    + "sweep.overrides, below the axes). Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--parallel",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Cells run at once, each in its own JVM (default ${DEFAULT-VALUE}); PyTorch threads are shared out.")
    int parallel;

    @Option(
            names = "--dry-run",
            description =
                    "Validate every cell's config, print the cell names (one per line, in index order), run nothing.")
    boolean dryRun;

    @Option(
            names = "--cell",
            paramLabel = "I",
            description = "Run only cell I (0-based index of --dry-run's order, or a cell name) in this JVM. Not "
                    + "implied by SLURM_ARRAY_TASK_ID: the emitted script passes it explicitly.")
    String cell;

    @Option(
            names = "--emit",
            paramLabel = "slurm",
            description =
                    "Write <sweep.dir>/slurm/sweep.sbatch (a job array, one task per cell) and print its path last.")
    String emit;

    @Option(
            names = "--restart-changed",
            description = "Cells already started under a different spec (their cell-spec.conf differs from what the"
                    + " spec asks now): move their directories aside to <cell>.replaced-<time> and start them afresh."
                    + " Without it such a sweep refuses to run.")
    boolean restartChanged;

    @Option(
            names = "--no-aggregate",
            hidden = true,
            description = "Skip results/table/plots (child JVMs of a local sweep).")
    boolean noAggregate;

    @Override
    public Integer call() {
        if (parallel < 1) {
            throw new UserException("--parallel must be >= 1, got " + parallel);
        }
        if (emit != null && !emit.equals("slurm")) {
            throw new UserException("--emit " + emit + ": the only target is slurm");
        }
        SweepSpec spec = SweepSpec.load(file, overrides);
        ResultsTable.checkMetrics(spec.tableMetrics());
        List<Cell> cells = CellExpansion.expand(spec);
        List<ExperimentConfig> configs = CellConfigs.load(spec, cells); // every cell valid before anything runs
        if (dryRun) {
            cells.forEach(c -> System.out.println(c.name()));
            return 0;
        }
        Integer only = cell == null ? null : cellIndex(cells);
        List<CellSpecs.Change> changes = CellSpecs.changed(spec, cells, configs);
        if (!changes.isEmpty()) {
            if (!restartChanged) {
                throw new UserException(CellSpecs.refusal(spec.name(), changes));
            }
            for (CellSpecs.Change c : changes) {
                System.err.println("note: cell " + c.cell().name() + " changed (" + String.join(", ", c.keys())
                        + "); its directory is kept as " + CellSpecs.setAside(c) + " and it starts afresh");
            }
        }
        String note = SweepDirectory.writeSpec(spec);
        if (note != null) {
            System.err.println(note);
        }
        if (emit != null) {
            Path launcher = Path.of(System.getProperty("vqlc.home", "."), "bin", "vqlc")
                    .toAbsolutePath()
                    .normalize();
            Path script = SlurmScript.write(spec, cells.size(), Path.of("").toAbsolutePath(), launcher);
            System.out.println("cells: " + cells.size() + "; submit with: sbatch " + script);
            System.out.println(script);
            return 0;
        }
        if (only != null) {
            CellSpecs.record(configs.get(only).run().dir(), spec, cells.get(only));
            CellExecution.run(cells.get(only), configs.get(only), spec.downstream(), System.out);
            aggregate(spec, cells);
            return 0;
        }
        if (System.getenv("SLURM_ARRAY_TASK_ID") != null) {
            System.err.println("note: SLURM_ARRAY_TASK_ID is set but --cell is not given: running the whole sweep");
        }
        System.out.println("sweep " + spec.name() + ": " + cells.size() + " cells in " + spec.dir() + ", " + parallel
                + " at a time");
        ChildJvm jvm = ChildJvm.like(
                Path.of(System.getProperty("java.home")),
                System.getProperty("java.class.path"),
                Main.class.getName(),
                parallel);
        var outcome = new LocalSweepRunner(jvm, spec.dir().resolve(SweepDirectory.SPEC), parallel, System.out)
                .run(cells, configs, spec.downstream());
        aggregate(spec, cells);
        var failures = outcome.failures();
        System.out.println("sweep " + spec.name() + ": " + (cells.size() - outcome.unfinished()) + " of " + cells.size()
                + " cells finished"
                + (outcome.busy().isEmpty()
                        ? ""
                        : ", " + outcome.busy().size()
                                + " being run by another process (rerun this command after it to aggregate them)")
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failed:"));
        for (var f : failures) {
            System.out.println("  FAILED " + f.cell().name() + ": " + f.lastError() + "  (log: " + f.log() + ")");
        }
        return outcome.unfinished() == 0 ? 0 : Main.USER_ERROR;
    }

    private int cellIndex(List<Cell> cells) {
        for (Cell c : cells) {
            if (c.name().equals(cell)) {
                return c.index();
            }
        }
        try {
            int i = Integer.parseInt(cell.strip());
            if (i >= 0 && i < cells.size()) {
                return i;
            }
        } catch (NumberFormatException e) {
            // neither an index nor a name: reported below
        }
        throw new UserException("--cell " + cell + ": expected an index in [0, " + (cells.size() - 1)
                + "] or a cell name (see --dry-run)");
    }

    private void aggregate(SweepSpec spec, List<Cell> cells) {
        if (noAggregate) {
            return;
        }
        for (Path p : Aggregation.write(spec, cells, spec.dir())) {
            System.out.println("wrote " + p);
        }
    }
}
