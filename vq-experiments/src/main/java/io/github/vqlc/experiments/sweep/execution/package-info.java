/**
 * Running a sweep's cells: every cell's config validated first ({@link
 * io.github.vqlc.experiments.sweep.execution.CellConfigs}), one cell in this JVM with its lock,
 * resume and done marker ({@link io.github.vqlc.experiments.sweep.execution.CellExecution}), the
 * downstream GPT stage, cells in child JVMs ({@link
 * io.github.vqlc.experiments.sweep.execution.LocalSweepRunner}) or as a Slurm job array ({@link
 * io.github.vqlc.experiments.sweep.execution.SlurmScript}). Finished cells are skipped, crashed
 * ones resumed.
 */
package io.github.vqlc.experiments.sweep.execution;
