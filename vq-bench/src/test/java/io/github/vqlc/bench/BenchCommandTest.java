package io.github.vqlc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.experiments.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vqlc bench}, plugged into the CLI by this module's {@link BenchCommand.Extension}. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void theCliListsBenchWhenThisModuleIsOnTheClassPath() {
        CliRun r = run("--help");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("bench");
    }

    @Test
    void benchGptTimesTrainingStepsOfTheConfiguredModel() {
        CliRun r = run(
                "bench",
                "gpt",
                "-c",
                "configs/fashion-mnist/gpt.conf",
                "-o",
                "gpt.layers=1",
                "-o",
                "gpt.width=32",
                "-o",
                "gpt.heads=2",
                "-o",
                "gpt.batch-size=4",
                "--vocab",
                "50",
                "--grid",
                "3",
                "--steps",
                "2",
                "--warmup",
                "1");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out())
                .contains("bench gpt: 1 layers, width 32, 2 heads")
                .contains("vocabulary 50, 9 tokens")
                .containsPattern("(?m)^final loss \\d")
                .containsPattern("(?m)^cpu_ms_per_step \\d");
        assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .matches("sequences_per_second \\d+\\.\\d\\d");
        CliRun bad = run("bench", "gpt", "-c", "configs/fashion-mnist/gpt.conf", "--steps", "0");
        assertThat(bad.code()).isEqualTo(2);
    }

    @Test
    void benchKmeansRunsTheIterationsAndExportsForScikitLearn() throws Exception {
        Path export = dir.resolve("km");
        CliRun r = run(
                "bench",
                "kmeans",
                "--points",
                "600",
                "--dim",
                "4",
                "--k",
                "12",
                "--iters",
                "2",
                "--export",
                export.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out())
                .contains("iteration 1:")
                .contains("mean seconds per Lloyd iteration")
                .contains("fit seconds / (iterations + 1)")
                .containsPattern("(?m)^inertia \\d");
        assertThat(CodebookFiles.inspect(export.resolve("points.npy")).shape()).isEqualTo(new Shape(600, 4));
        assertThat(CodebookFiles.inspect(export.resolve("init.npy")).shape()).isEqualTo(new Shape(12, 4));
        CliRun bad = run("bench", "kmeans", "--points", "10", "--k", "20");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip().lines().count()).isEqualTo(1);
    }
}
