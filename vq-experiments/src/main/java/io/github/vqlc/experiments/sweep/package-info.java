/**
 * Ablation sweeps: a HOCON sweep spec ({@link io.github.vqlc.experiments.sweep.SweepSpec}) names axes
 * of config overrides whose product, minus excludes, plus includes, times seeds, gives the cells;
 * each cell is an ordinary run directory under the sweep directory. Cells run in child JVMs
 * ({@link io.github.vqlc.experiments.sweep.LocalSweepRunner}), one per Slurm array task
 * ({@link io.github.vqlc.experiments.sweep.SlurmScript}), or in this JVM
 * ({@link io.github.vqlc.experiments.sweep.CellRun}); finished cells are skipped, crashed ones
 * resumed. {@link io.github.vqlc.experiments.sweep.Aggregation} turns the cells' metrics.json into
 * results.csv, the paper's Table 2 layout (table.md) and plots against codebook size.
 */
package io.github.vqlc.experiments.sweep;
