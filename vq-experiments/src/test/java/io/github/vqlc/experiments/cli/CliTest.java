package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = Main.execute(args);
            return new Result(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void configTypoExitsTwoWithOneLineNamingTheKey() {
        Path runDir = dir.resolve("y");
        Result r = run("train", "-c", "../configs/quickstart.conf", "-o", "run.dir=" + runDir, "-o", "quantizer.typo=1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("typo").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(runDir).doesNotExist();
    }

    @Test
    void quantizersListsRegisteredTypesIncludingTheTestOnlyOne() {
        Result r = run("quantizers");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("vq ").contains("toy ");
    }

    @Test
    void helpExplainsCommands() {
        Result r = run("--help");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("train").contains("eval").contains("quantizers").contains("bench");
    }

    @Test
    void benchKmeansRunsTheIterationsAndExportsForScikitLearn() throws Exception {
        Path export = dir.resolve("km");
        Result r = run("bench", "kmeans", "--points", "600", "--dim", "4", "--k", "12", "--iters", "2",
                "--export", export.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("iteration 1:").contains("mean seconds per Lloyd iteration")
                .contains("fit seconds / (iterations + 1)").containsPattern("(?m)^inertia \\d");
        assertThat(io.github.vqlc.core.io.CodebookFiles.inspect(export.resolve("points.npy")).shape())
                .isEqualTo(new ai.djl.ndarray.types.Shape(600, 4));
        assertThat(io.github.vqlc.core.io.CodebookFiles.inspect(export.resolve("init.npy")).shape())
                .isEqualTo(new ai.djl.ndarray.types.Shape(12, 4));
        Result bad = run("bench", "kmeans", "--points", "10", "--k", "20");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void evalOfADirectoryWithoutARunIsAUserError() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        Result r = run("eval", dir.resolve("empty").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a run directory");
    }

    @Test
    void missingDatasetIsAUserError() {
        Result r = run("train", "-o", "run.dir=" + dir.resolve("z"), "-o", "data.name=cifar10", "-o",
                "data.root=" + dir.resolve("nowhere"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vqlc: error:");
    }
}
