package io.github.vqlc.experiments.sweep.spec;

import com.typesafe.config.Config;
import java.util.List;

/**
 * One run of a sweep.
 *
 * @param index position in the printed order ({@code --cell}, Slurm array index)
 * @param name directory name under the sweep directory, e.g. {@code vqgan-lc_codebook-size=100000_seed=0}
 * @param group the name without the seed segment: cells of one group are averaged over seeds
 * @param choices one per axis, in axis order
 * @param layer the cell's config overrides on top of the base config (axes, sweep overrides,
 *     run.seed, run.dir, run.name)
 * @param replaced paths removed from the base config before the layer goes on top (bundles' {@code replace})
 */
public record Cell(
        int index, String name, String group, long seed, List<Choice> choices, Config layer, List<String> replaced) {

    /** The value a cell takes on one axis. */
    public record Choice(SweepAxis axis, String value) {

        /** The segment this choice adds to the cell name. */
        String segment() {
            return axis instanceof SweepAxis.KeyAxis k ? k.label() + "=" + SweepAxis.safe(value) : value;
        }
    }
}
