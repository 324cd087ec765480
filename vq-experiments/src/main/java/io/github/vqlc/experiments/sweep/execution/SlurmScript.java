package io.github.vqlc.experiments.sweep.execution;

import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.experiments.sweep.spec.SlurmOptions;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Slurm job array with one task per cell: task I runs {@code vqlc sweep -c <sweep-dir>/sweep.conf
 * --cell I} from the project directory, so it resumes or skips its cell like a local run. Logs go
 * to {@code <sweep-dir>/slurm/%A_%a.out}. The launcher is {@code $VQLC} when set, else the
 * {@code bin/vqlc} of the installation that wrote the script.
 */
public final class SlurmScript {

    private SlurmScript() {}

    /** Writes {@code <sweep-dir>/slurm/sweep.sbatch} and returns its path. */
    public static Path write(SweepSpec spec, int cells, Path projectDir, Path launcher) {
        Path file = spec.dir().resolve("slurm").resolve("sweep.sbatch");
        AtomicFiles.writeString(file, text(spec, cells, projectDir, launcher));
        file.toFile().setExecutable(true);
        return file;
    }

    static String text(SweepSpec spec, int cells, Path projectDir, Path launcher) {
        SlurmOptions s = spec.slurm();
        // absolute: sbatch reads #SBATCH paths relative to where it is called, before the script's cd
        Path sweepDir = projectDir.resolve(spec.dir()).normalize();
        Path slurmDir = sweepDir.resolve("slurm");
        List<String> l = new ArrayList<>();
        l.add("#!/bin/bash");
        l.add("#SBATCH --job-name=" + spec.name());
        l.add("#SBATCH --array=0-" + (cells - 1));
        l.add("#SBATCH --ntasks=1");
        l.add("#SBATCH --output=" + slurmDir.resolve("%A_%a.out"));
        if (!s.partition().isBlank()) {
            l.add("#SBATCH --partition=" + s.partition());
        }
        if (s.gpusPerTask() > 0) {
            l.add("#SBATCH --gpus-per-task=" + s.gpusPerTask());
        }
        if (s.cpusPerTask() > 0) {
            l.add("#SBATCH --cpus-per-task=" + s.cpusPerTask());
        }
        if (!s.time().isBlank()) {
            l.add("#SBATCH --time=" + s.time());
        }
        if (!s.mem().isBlank()) {
            l.add("#SBATCH --mem=" + s.mem());
        }
        l.addAll(s.extraLines());
        l.add("");
        l.add("# Written by `vqlc sweep --emit slurm` for sweep " + spec.name() + " (" + cells
                + " cells; their order:");
        l.add("# vqlc sweep -c " + sweepDir.resolve("sweep.conf") + " --dry-run). Submit with: sbatch "
                + slurmDir.resolve("sweep.sbatch"));
        l.add("# A task skips a finished cell and resumes a crashed one, so resubmitting is safe.");
        l.add("set -euo pipefail");
        l.add("cd " + quote(projectDir.toString()));
        l.add("export VQLC_THREADS=\"${VQLC_THREADS:-${SLURM_CPUS_PER_TASK:-" + Math.max(1, s.cpusPerTask()) + "}}\"");
        l.add("if [[ -z \"${VQLC:-}\" ]]; then VQLC=" + quote(launcher.toString()) + "; fi");
        l.add("exec \"$VQLC\" sweep -c "
                + quote(sweepDir.resolve("sweep.conf").toString())
                + " --cell \"${SLURM_ARRAY_TASK_ID:?not a Slurm array task}\"");
        return String.join("\n", l) + "\n";
    }

    /** {@code s} in single quotes for bash. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
