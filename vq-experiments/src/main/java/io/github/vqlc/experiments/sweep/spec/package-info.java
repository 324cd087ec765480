/**
 * What a sweep is: {@link io.github.vqlc.experiments.sweep.spec.SweepSpec} read from a sweep file
 * (defaults and valid keys in vq-experiments' reference.conf), its axes of config overrides, and
 * {@link io.github.vqlc.experiments.sweep.spec.CellExpansion}: the product of the axes minus
 * excludes, plus extra cells, times seeds, as named {@link io.github.vqlc.experiments.sweep.spec.Cell}s.
 */
package io.github.vqlc.experiments.sweep.spec;
