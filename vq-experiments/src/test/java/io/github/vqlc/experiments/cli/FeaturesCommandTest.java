package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vqlc features}: a few training steps on a Fashion-MNIST slice, the overwrite guard, the type listing. */
@Tag("e2e")
class FeaturesCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainWritesTheNetworkAndRefusesToReplaceItWithoutForce() {
        Path target = dir.resolve("fn");
        String[] args = {
            "features",
            "train",
            "-c",
            "configs/fashion-mnist/feature-net.conf",
            "-o",
            "features.dir=" + target,
            "-o",
            "features.steps=3",
            "-o",
            "features.width=2",
            "-o",
            "features.batch-size=16",
            "-o",
            "features.log-every=1",
            "-o",
            "features.eval-limit=32",
            "-o",
            "data.limit=64"
        };
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).containsPattern("test accuracy [01]\\.\\d{4}").contains("step 3/3");
        assertThat(target.resolve("feature-net.params")).isRegularFile();
        assertThat(target.resolve("feature-net.json")).isRegularFile();

        CliRun again = CliRun.of(args);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err())
                .contains("already holds a trained feature network")
                .contains("--force");
        assertThat(again.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void typesListsTheRegisteredExtractors() {
        CliRun r = CliRun.of("features", "types");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out())
                .contains("feature-net")
                .contains("torchscript")
                .contains("patches")
                .contains("encoder");
    }

    @Test
    void aTypoInAnExtractorSectionOfAFileNamesFileAndLine() throws Exception {
        Path conf = dir.resolve("x.conf");
        Files.writeString(conf, "eval {\n  fid.extractor {\n    type = torchscript\n    input-sise = 299\n  }\n}\n");
        CliRun r = CliRun.of("features", "train", "-c", conf.toString(), "-o", "features.dir=" + dir.resolve("none"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("'eval.fid.extractor.input-sise'")
                .contains("x.conf:4")
                .contains("input-size");
        assertThat(dir.resolve("none")).doesNotExist();
    }
}
