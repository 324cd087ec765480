package io.github.vqlc.experiments.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one rule for paths in configs: a relative path, in a file or in an {@code -o} override,
 * is relative to the working directory (tests run in the repository root, as users do), never to
 * the directory of the file that names it.
 */
class RelativePathsTest {

    @TempDir
    Path dir;

    @Test
    void pathsInARunConfigInAnotherDirectoryStayRelativeToTheWorkingDirectory() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("elsewhere"));
        Path file = sub.resolve("run.conf");
        Files.writeString(file, """
                run.dir = "runs/a"
                data.root = "data/fashion-mnist"
                eval.cache-dir = "runs/.cache"
                features.dir = "runs/fn"
                codebook.output = "runs/codebooks/x.npy"
                gpt.tokens = "runs/a/tokens-train.vqt"
                """);
        ExperimentConfig c = ExperimentConfig.load(file, List.of("gpt.tokenizer=runs/a", "eval.lpips.path=lp/l.pt"));
        Path cwd = Path.of("").toAbsolutePath();
        assertThat(c.run().dir()).isEqualTo(Path.of("runs/a"));
        assertThat(c.run().dir().toAbsolutePath()).isEqualTo(cwd.resolve("runs/a"));
        assertThat(c.data().root()).isEqualTo(Path.of("data/fashion-mnist"));
        assertThat(c.eval().cacheDir()).isEqualTo(Path.of("runs/.cache"));
        assertThat(c.features().dir()).isEqualTo(Path.of("runs/fn"));
        assertThat(c.codebook().output()).isEqualTo(Path.of("runs/codebooks/x.npy"));
        assertThat(c.gpt().tokens()).isEqualTo(Path.of("runs/a/tokens-train.vqt"));
        assertThat(c.gpt().tokenizer()).isEqualTo(Path.of("runs/a"));
        assertThat(c.eval().lpipsPath()).isEqualTo(Path.of("lp/l.pt"));
        assertThat(c.run().dir().toAbsolutePath().startsWith(sub)).isFalse();
    }

    @Test
    void aSweepFilesBaseAndGptConfigAreRelativeToTheWorkingDirectoryToo() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sweeps"));
        Path file = sub.resolve("s.conf");
        Files.writeString(file, """
                sweep {
                  name = s
                  base = "configs/quickstart.conf"
                  axes = [ { key = train.steps, values = [1] } ]
                  downstream.gpt = "configs/fashion-mnist/gpt.conf"
                }
                """);
        SweepSpec spec = SweepSpec.load(file, List.of());
        assertThat(spec.base()).isEqualTo(Path.of("configs/quickstart.conf"));
        assertThat(Files.isRegularFile(spec.base()))
                .as("found from the working directory")
                .isTrue();
        assertThat(spec.downstream().gpt()).isEqualTo(Path.of("configs/fashion-mnist/gpt.conf"));
        assertThat(spec.dir()).isEqualTo(Path.of("runs/sweeps/s"));
        // the resolved spec written into the sweep directory keeps them as they were given
        assertThat(spec.render()).contains("base=\"configs/quickstart.conf\"").doesNotContain(dir.toString());
    }
}
