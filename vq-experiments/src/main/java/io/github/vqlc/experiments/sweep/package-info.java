/**
 * Ablation sweeps, in three parts: {@code spec} (the HOCON sweep spec, its axes and the cells they
 * expand to), {@code execution} (running cells in this JVM, in child JVMs or as a Slurm array, with
 * resume and locks) and {@code report} (results.csv, the paper's Table 2 layout and plots from the
 * cells' metrics.json). Each cell is an ordinary run directory under the sweep directory.
 */
package io.github.vqlc.experiments.sweep;
