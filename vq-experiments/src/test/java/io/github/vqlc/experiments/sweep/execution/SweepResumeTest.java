package io.github.vqlc.experiments.sweep.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.cli.CliRun;
import io.github.vqlc.experiments.sweep.TinySweeps;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a cell counts as finished, without training (crash and resume: SweepProcessesTest). */
class SweepResumeTest {

    @TempDir
    Path dir;

    @Test
    void metricsWithTheConfiguredStepsOrADoneMarkerMeanFinished() throws Exception {
        Path cell = dir.resolve("c");
        Files.createDirectories(cell);
        Files.writeString(cell.resolve("metrics.json"), "{\"steps\": 5, \"utilization\": 0.5}");
        assertThat(CellState.finished(cell, 6)).isFalse();
        assertThat(CellState.finished(cell, 5)).isTrue();
        CellState.markDone(cell, 6);
        assertThat(CellState.finished(cell, 6)).isTrue();
        assertThat(Files.readString(cell.resolve(CellState.DONE))).contains("\"steps\":6");
    }

    @Test
    void aCellStartedUnderAnotherSpecIsRefusedUntilToldToStartItAfresh() throws Exception {
        Path spec = TinySweeps.write(dir, "[ { key = quantizer.scale, values = [0.5, 1.0] } ]");
        Path cell = dir.resolve("out/scale=1_seed=0");
        CliRun first = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0");
        assertThat(first.code()).as(first.err()).isEqualTo(0);
        assertThat(Files.readString(cell.resolve(CellSpecs.FILE)))
                .contains("scale")
                .contains("lr");

        Files.writeString(spec, Files.readString(spec) + "sweep.overrides { train.lr = 0.5 }\n");
        CliRun refused = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=0.5_seed=0");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(refused.err())
                .contains("1 cell already started")
                .contains("scale=1_seed=0 (train.lr: 0.001 -> 0.5)")
                .contains("--restart-changed");
        assertThat(dir.resolve("out/scale=0.5_seed=0")).doesNotExist(); // nothing ran
        assertThat(cell.resolve("metrics.json")).exists(); // nothing moved

        try (FileChannel channel =
                        FileChannel.open(cell.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) { // another run holds the cell: it is not moved
            CliRun busy = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0", "--restart-changed");
            assertThat(busy.code()).isEqualTo(2);
            assertThat(busy.err()).contains("scale=1_seed=0 is being run by another process");
            assertThat(cell.resolve("metrics.json")).exists();
        }

        CliRun restarted = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0", "--restart-changed");
        assertThat(restarted.code()).as(restarted.err()).isEqualTo(0);
        assertThat(restarted.err())
                .contains("note: cell scale=1_seed=0 changed")
                .contains(".replaced-");
        try (var siblings = Files.list(dir.resolve("out"))) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("scale=1_seed=0.replaced-"));
        }
        assertThat(Files.readString(cell.resolve(CellSpecs.FILE))).contains("0.5");
        assertThat(cell.resolve("done")).exists();
    }

    @Test
    void aFinishedCellIsNotRunAgainNorTouched() throws Exception {
        Path spec = TinySweeps.write(dir, "[ { key = quantizer.scale, values = [0.5, 1.0] } ]");
        Path cell = dir.resolve("out/scale=1_seed=0");
        Files.createDirectories(cell);
        Files.writeString(cell.resolve("metrics.json"), "{\"steps\": 6, \"utilization\": 0.5, \"codebook_size\": 16}");
        long before = Files.getLastModifiedTime(cell.resolve("metrics.json")).toMillis();

        CliRun r = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("cell 1 scale=1_seed=0 is finished").contains("skipped");
        assertThat(cell.resolve("log.jsonl")).doesNotExist();
        assertThat(Files.getLastModifiedTime(cell.resolve("metrics.json")).toMillis())
                .isEqualTo(before);
        assertThat(dir.resolve("out/scale=0.5_seed=0")).doesNotExist(); // only the chosen cell
        assertThat(Files.readString(dir.resolve("out/table.md"))).contains("1 of 2 cells finished");
    }
}
