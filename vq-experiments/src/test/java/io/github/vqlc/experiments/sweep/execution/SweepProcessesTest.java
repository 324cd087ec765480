package io.github.vqlc.experiments.sweep.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.cli.CliRun;
import io.github.vqlc.experiments.cli.Main;
import io.github.vqlc.experiments.sweep.TinySweeps;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cells in child JVMs (local --parallel runs, a Slurm array task run by bash): tiny toy runs of 6 steps. */
@Tag("e2e")
class SweepProcessesTest {

    @TempDir
    Path dir;

    private static final String AXES = """
            [ { name = variant, bundles = [
                { name = a, overrides { quantizer.scale = 0.5 } }
                { name = bad, overrides { %s } }
              ] } ]""";

    @Test
    void parallelRunReportsAFailedCellWhileOthersFinishAndTheRerunContinuesIt() throws Exception {
        // the toy quantizer's loss turns NaN after 3 steps: the cell stops at step 4 keeping checkpoint 2
        Path spec = TinySweeps.write(dir, AXES.formatted("quantizer.nan-after = 3"));
        Path out = dir.resolve("out");
        CliRun first = CliRun.of("sweep", "-c", spec.toString(), "--parallel", "2");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(2);
        assertThat(first.out())
                .contains("start  a_seed=0", "start  bad_seed=0", "done   a_seed=0", "FAILED bad_seed=0")
                .contains("1 of 2 cells finished, 1 failed:")
                .contains("  FAILED bad_seed=0: vqlc: error: loss 'loss' became NaN at step 4")
                .contains("(log: " + out.resolve("bad_seed=0/train.log") + ")");
        assertThat(out.resolve("a_seed=0").resolve(CellState.DONE)).isRegularFile();
        assertThat(CellState.metricsSteps(out.resolve("a_seed=0"))).contains(6);
        assertThat(out.resolve("a_seed=0/train.log"))
                .content()
                .contains("=== vqlc sweep: cell 0")
                .contains("eval: reconstruction of test");
        assertThat(out.resolve("bad_seed=0/checkpoints/step-000002")).isDirectory();
        assertThat(out.resolve("bad_seed=0/metrics.json")).doesNotExist();
        assertThat(out.resolve("table.md")).content().contains("1 of 2 cells finished");
        long doneA =
                Files.getLastModifiedTime(out.resolve("a_seed=0/metrics.json")).toMillis();

        // fixed in the spec: refused, since the crashed cell started under the old spec
        TinySweeps.write(dir, AXES.formatted(""));
        CliRun refused = CliRun.of("sweep", "-c", spec.toString(), "--parallel", "2");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("bad_seed=0 (quantizer.nan-after: 3 -> unset)");
        assertThat(refused.out()).doesNotContain("start");

        // the user accepts the mix (docs/sweeps.md): the finished cell is skipped and the crashed
        // one continues from its checkpoint under the new spec
        Files.delete(out.resolve("bad_seed=0").resolve(CellSpecs.FILE));
        CliRun second = CliRun.of("sweep", "-c", spec.toString(), "--parallel", "2");
        assertThat(second.code()).as(second.out() + second.err()).isEqualTo(0);
        assertThat(second.out())
                .contains("skip   a_seed=0", "done   bad_seed=0")
                .doesNotContain("start  a_seed=0")
                .contains("2 of 2 cells finished");
        assertThat(out.resolve("bad_seed=0/train.log"))
                .content()
                .contains("resumed from")
                .contains("step-000002");
        assertThat(CellState.metricsSteps(out.resolve("bad_seed=0"))).contains(6);
        assertThat(Files.getLastModifiedTime(out.resolve("a_seed=0/metrics.json"))
                        .toMillis())
                .isEqualTo(doneA);
        assertThat(out.resolve("table.md"))
                .content()
                .contains("| a | 64 | 16 |")
                .contains("| bad | 64 | 16 |");
        assertThat(Files.list(out).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.startsWith("sweep-")); // old spec kept
    }

    @Test
    void aCellLockedByAnotherRunIsLeftAloneAndReportedBusy() throws Exception {
        Path spec = TinySweeps.write(dir, AXES.formatted(""));
        Path out = dir.resolve("out");
        Path cellA = out.resolve("a_seed=0");
        Files.createDirectories(cellA);
        try (FileChannel channel =
                        FileChannel.open(cellA.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) { // another run of cell a
            CliRun run = CliRun.of("sweep", "-c", spec.toString(), "--parallel", "1");
            assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
            assertThat(run.out())
                    .contains("busy   a_seed=0  (another run holds " + cellA.resolve(".lock"))
                    .contains("done   bad_seed=0")
                    .doesNotContain("start  a_seed=0")
                    .doesNotContain("FAILED")
                    .contains("1 of 2 cells finished, 1 being run by another process");
            assertThat(cellA.resolve("train.log")).doesNotExist();
        }
    }

    @Test
    void slurmArrayTaskRunsItsCellThroughTheEmittedScript() throws Exception {
        Path spec = TinySweeps.write(dir, "[ { key = quantizer.scale, values = [0.5, 1.0] } ]");
        CliRun emit = CliRun.of("sweep", "-c", spec.toString(), "--emit", "slurm");
        assertThat(emit.code()).as(emit.err()).isEqualTo(0);
        Path script = Path.of(emit.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(script).isEqualTo(dir.resolve("out/slurm/sweep.sbatch"));
        assertThat(script).content().contains("#SBATCH --array=0-1\n");

        // stand-in for bin/vqlc: this JVM's java and class path
        Path launcher = dir.resolve("vqlc");
        List<String> java = ChildJvm.like(
                        Path.of(System.getProperty("java.home")),
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        1)
                .command(List.of());
        List<String> quoted = new ArrayList<>();
        java.forEach(a -> quoted.add(SlurmScript.quote(a)));
        Files.writeString(launcher, "#!/bin/bash\nexec " + String.join(" ", quoted) + " \"$@\"\n");
        assertThat(launcher.toFile().setExecutable(true)).isTrue();

        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("SLURM_ARRAY_TASK_ID", "1");
        pb.environment().put("VQLC", launcher.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isEqualTo(0);
        assertThat(log).contains("cell 1 scale=1_seed=0: starting");
        assertThat(dir.resolve("out/scale=1_seed=0").resolve(CellState.DONE)).isRegularFile();
        assertThat(dir.resolve("out/scale=0.5_seed=0")).doesNotExist();
        assertThat(dir.resolve("out/table.md")).content().contains("1 of 2 cells finished");

        // without the variable the script refuses to run
        ProcessBuilder noTask = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        noTask.environment().remove("SLURM_ARRAY_TASK_ID");
        noTask.environment().put("VQLC", launcher.toString());
        Process q = noTask.start();
        String err = new String(q.getInputStream().readAllBytes());
        assertThat(q.waitFor()).isNotEqualTo(0);
        assertThat(err).contains("not a Slurm array task");
    }
}
