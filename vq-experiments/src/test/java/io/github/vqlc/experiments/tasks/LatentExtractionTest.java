package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.LatentsFile;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.cli.Main;
import io.github.vqlc.experiments.run.TrainedRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vqlc latents: the pre-quantization latents of a split, their statistics and their checks. */
@Tag("e2e")
class LatentExtractionTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void writesTheEncodersLatentsWithStatisticsAndRefusesBrokenFiles() throws Exception {
        Path tok = tmp.resolve("tok");
        new Training(TestConfigs.load(TestConfigs.tiny(tok, "train.steps=2", "eval.limit=32"))).run(false, QUIET);
        Path out = LatentExtraction.defaultOutput(tok, Split.TEST);
        LatentsFile f;
        try (TrainedRun run = TrainedRun.open(tok, List.of())) {
            f = LatentExtraction.run(run, Split.TEST, 40, out, QUIET);
            assertThat(new int[] {f.count(), f.channels(), f.height(), f.width()})
                    .containsExactly(40, 16, 8, 8);
            assertThat(f.property("quantizer")).isEqualTo("vq");
            // image 7's latents are the model's latents of image 7 (a batch of 1 convolves in another order)
            var data = Datasets.open(
                    run.config().data(), Split.TEST, run.config().run().seed());
            var batch = BatchLoader.builder(data).setBatchSize(1).build().load(run.manager(), new int[] {7});
            float[] direct = run.model()
                    .latents(new ParameterStore(run.manager(), false), batch.images(), false)
                    .toFloatArray();
            try (NDManager m = NDManager.newBaseManager()) {
                assertThat(f.read(m, 7, 1).toFloatArray()).containsExactly(direct, within(1e-4f));
                assertThat(f.label(7)).isEqualTo(data.label(7));
                // the statistics are those of the file's values
                // (16, N*H*W): one row per channel (DJL's mean takes one axis)
                NDArray all = f.read(m, 0, 40).transpose(1, 0, 2, 3).reshape(16, -1);
                float[] mean = all.mean(new int[] {1}).toFloatArray();
                float[] std = all.sub(all.mean(new int[] {1}, true))
                        .square()
                        .mean(new int[] {1})
                        .sqrt()
                        .toFloatArray();
                for (int c = 0; c < 16; c++) {
                    assertThat(f.mean()[c]).isCloseTo(mean[c], within(1e-4f));
                    assertThat(f.std()[c]).isCloseTo(std[c], within(1e-4f));
                }
            }
        }
        assertThatThrownBy(() -> f.requireGrid(8, 16, 16, "sit.conf (diffusion.channels, diffusion.grid)"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("holds 16 channels at 8x8 but sit.conf (diffusion.channels, diffusion.grid)"
                        + " expects 8 at 16x16");

        // a truncated copy: one line naming it
        Path cut = tmp.resolve("cut/latents-test.npy");
        Files.createDirectories(cut.getParent());
        byte[] bytes = Files.readAllBytes(out);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        Files.copy(LatentsFile.infoBeside(out), LatentsFile.infoBeside(cut), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(LatentsFile.labelsBeside(out), LatentsFile.labelsBeside(cut));
        assertThatThrownBy(() -> LatentsFile.open(cut))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("is truncated")
                .hasMessageNotContaining("\n");
        // a sidecar of another file: one line naming both values
        Files.copy(out, cut, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(
                LatentsFile.infoBeside(cut),
                Files.readString(LatentsFile.infoBeside(out)).replace("\"count\": 40", "\"count\": 41"));
        assertThatThrownBy(() -> LatentsFile.open(cut))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("count = 41");

        // the command: exit 0, and 2 with one line for a directory that is no run
        assertThat(Main.execute(
                        "latents",
                        tok.toString(),
                        "--split",
                        "test",
                        "--limit",
                        "8",
                        "--out",
                        tmp.resolve("cli/latents-test.npy").toString()))
                .isEqualTo(0);
        assertThat(LatentsFile.open(tmp.resolve("cli/latents-test.npy")).count())
                .isEqualTo(8);
        assertThat(Main.execute("latents", tmp.resolve("nothing").toString())).isEqualTo(Main.USER_ERROR);
    }
}
