package io.github.vqlc.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.cli.CliRun;
import io.github.vqlc.experiments.sweep.execution.SweepDirectory;
import io.github.vqlc.experiments.sweep.spec.CellExpansion;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped sweeps and the command's options that run nothing. */
class SweepCommandTest {

    static final String TABLE2 = "configs/sweeps/fashion-mnist-table2.conf";

    @TempDir
    Path dir;

    @Test
    void dryRunOfTheFashionMnistTable2PrintsExactlyTheTwelveCellNames() {
        CliRun r = CliRun.of("sweep", "-c", TABLE2, "--dry-run");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(12).doesNotHaveDuplicates();
        assertThat(lines.get(0)).isEqualTo("vqgan_codebook-size=1024_seed=0");
        assertThat(lines.get(11)).isEqualTo("vqgan-lc_codebook-size=100000_seed=0");
        assertThat(lines).contains("vqgan-fc_codebook-size=16384_seed=0", "vqgan-ema_codebook-size=100000_seed=0");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void lcAblationsValidateAndExpandToOneCellPerVariant() {
        CliRun r = CliRun.of("sweep", "-c", "configs/sweeps/lc-ablations.conf", "--dry-run");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out().lines().toList())
                .hasSize(9)
                .contains(
                        "no-projector_codebook-size=100000_seed=0",
                        "dim-64_codebook-size=100000_seed=0",
                        "init-file_codebook-size=100000_seed=0");
    }

    @Test
    void theOneEpochTable2ValidatesAndExpandsTo36CellsWithTheInitAblationAt100kOnly() {
        CliRun r = CliRun.of("sweep", "-c", "configs/sweeps/fashion-mnist-table2-epoch.conf", "--dry-run");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(36).doesNotHaveDuplicates();
        assertThat(lines.get(0)).isEqualTo("vqgan_codebook-size=1024_seed=0");
        assertThat(lines.get(18)).isEqualTo("vqgan_codebook-size=1024_seed=1");
        assertThat(lines)
                .contains(
                        "vqgan-fc-l2_codebook-size=16384_seed=0", "vqgan-lc-random-normal_codebook-size=100000_seed=1")
                .noneMatch(n -> n.startsWith("vqgan-lc-kmeans-pp_codebook-size=1024"));
    }

    @Test
    void emittedSlurmScriptIsValidBashWithOneArrayTaskPerCell() throws Exception {
        Path sweepDir = dir.resolve("sw");
        CliRun r = CliRun.of(
                "sweep",
                "-c",
                TABLE2,
                "--emit",
                "slurm",
                "-o",
                "sweep.dir=\"" + sweepDir + "\"",
                "-o",
                "sweep.slurm.partition=gpu",
                "-o",
                "sweep.slurm.gpus-per-task=1",
                "-o",
                "sweep.slurm.extra-lines=[\"#SBATCH --account=abc\"]");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        List<String> lines = r.out().strip().lines().toList();
        Path script = sweepDir.resolve("slurm/sweep.sbatch");
        assertThat(lines.get(lines.size() - 1)).isEqualTo(script.toString());
        String text = Files.readString(script);
        assertThat(text)
                .startsWith("#!/bin/bash\n")
                .contains(
                        "#SBATCH --array=0-11\n",
                        "#SBATCH --partition=gpu\n",
                        "#SBATCH --gpus-per-task=1\n",
                        "#SBATCH --account=abc\n",
                        "#SBATCH --output=" + sweepDir.resolve("slurm/%A_%a.out") + "\n",
                        "sweep -c '" + sweepDir.resolve("sweep.conf") + "' --cell \"${SLURM_ARRAY_TASK_ID");
        Process bash = new ProcessBuilder("bash", "-n", script.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor()).as(out).isEqualTo(0);
        // the resolved spec is there for the tasks and for `vqlc table`, with the override folded in
        SweepSpec copy = SweepDirectory.readSpec(sweepDir);
        assertThat(copy.slurm().partition()).isEqualTo("gpu");
        assertThat(CellExpansion.expand(copy)).hasSize(12);
    }

    @Test
    void userErrorsExitTwoWithOneLine() throws Exception {
        for (String[] args : List.of(
                new String[] {"sweep", "-c", TABLE2, "--cell", "12", "-o", "sweep.dir=\"" + dir + "\""},
                new String[] {"sweep", "-c", TABLE2, "--emit", "pbs"},
                new String[] {"sweep", "-c", TABLE2, "--dry-run", "-o", "quantizer.typo=3"},
                new String[] {"sweep", "-c", dir.resolve("none.conf").toString()},
                new String[] {"table", dir.toString()})) {
            CliRun r = CliRun.of(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("vqlc: error: ");
        }
        assertThat(CliRun.of("sweep", "-c", TABLE2, "--dry-run", "-o", "quantizer.typo=3")
                        .err())
                .contains("quantizer.typo")
                .contains("cell 0");
    }
}
