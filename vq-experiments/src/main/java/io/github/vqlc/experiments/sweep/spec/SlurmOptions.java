package io.github.vqlc.experiments.sweep.spec;

import com.typesafe.config.Config;
import java.util.List;

/**
 * The {@code sweep.slurm} section: resources of each array task. Empty strings and 0 leave the
 * directive out (the cluster's default applies).
 *
 * @param extraLines lines copied verbatim after the generated {@code #SBATCH} lines (more
 *     directives such as {@code #SBATCH --account=x}, or setup such as {@code module load cuda})
 */
public record SlurmOptions(
        String partition, int gpusPerTask, int cpusPerTask, String time, String mem, List<String> extraLines) {

    static SlurmOptions from(Config c) {
        return new SlurmOptions(
                c.getString("partition"),
                SweepSpec.intAtLeast(c, "sweep.slurm", "gpus-per-task", 0),
                SweepSpec.intAtLeast(c, "sweep.slurm", "cpus-per-task", 0),
                c.getString("time"),
                c.getString("mem"),
                c.getStringList("extra-lines"));
    }
}
