package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void configTypoExitsTwoWithOneLineNamingTheKey() {
        Path runDir = dir.resolve("y");
        CliRun r =
                run("train", "-c", "../configs/quickstart.conf", "-o", "run.dir=" + runDir, "-o", "quantizer.typo=1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("typo").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(runDir).doesNotExist();
    }

    @Test
    void quantizersListsRegisteredTypesIncludingTheTestOnlyOne() {
        CliRun r = run("quantizers");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("vq ").contains("toy ");
    }

    @Test
    void helpExplainsCommands() {
        CliRun r = run("--help");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("train").contains("eval").contains("quantizers");
    }

    @Test
    void evalOfADirectoryWithoutARunIsAUserError() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        CliRun r = run("eval", dir.resolve("empty").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a run directory");
    }

    @Test
    void missingDatasetIsAUserError() {
        CliRun r = run(
                "train",
                "-o",
                "run.dir=" + dir.resolve("z"),
                "-o",
                "data.name=cifar10",
                "-o",
                "data.root=" + dir.resolve("nowhere"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vqlc: error:");
    }
}
