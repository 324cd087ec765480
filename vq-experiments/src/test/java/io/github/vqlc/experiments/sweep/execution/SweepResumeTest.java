package io.github.vqlc.experiments.sweep.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.cli.CliRun;
import io.github.vqlc.experiments.sweep.TinySweeps;
import java.nio.file.Files;
import java.nio.file.Path;
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
