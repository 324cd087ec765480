/**
 * A sweep's results from its cell directories alone ({@link
 * io.github.vqlc.experiments.sweep.report.Aggregation}): results.csv, table.md in the layout of the
 * paper's Table 2, and plots against codebook size; several seeds give mean and standard deviation.
 */
package io.github.vqlc.experiments.sweep.report;
