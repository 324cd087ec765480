package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.cli.Main;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.VelocitySampler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** latents -> diffusion train -> generate on a tiny tokenizer trained for a few steps on Fashion-MNIST. */
@Tag("e2e")
class DiffusionEndToEndTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static List<String> diffusion(Path dir, Path latents, String... more) {
        List<String> base = new ArrayList<>(List.of(
                "run.dir=\"" + dir + "\"",
                "run.device=cpu",
                "diffusion.latents=\"" + latents + "\"",
                "diffusion.patch=2",
                "diffusion.width=32",
                "diffusion.depth=1",
                "diffusion.heads=2",
                "diffusion.steps=4",
                "diffusion.batch-size=16",
                "diffusion.log-every=2",
                "diffusion.checkpoint-every=2",
                "diffusion.sample.steps=3",
                "diffusion.sample.batch-size=8"));
        base.addAll(List.of(more));
        return base;
    }

    @Test
    void trainsOnTheTokenizersLatentsAndGeneratesThroughItsQuantizer() throws Exception {
        Path tok = tmp.resolve("tok");
        new Training(TestConfigs.load(TestConfigs.tiny(tok, "train.steps=2", "eval.limit=32"))).run(false, QUIET);
        Path latents = LatentExtraction.defaultOutput(tok, Split.TRAIN);
        try (TrainedRun run = TrainedRun.open(tok, List.of())) {
            LatentExtraction.run(run, Split.TRAIN, 64, latents, QUIET);
        }

        // train: the run directory, with a sample grid decoded by the tokenizer found next to the latents
        Path dir = tmp.resolve("sit");
        Map<String, Object> m = new DiffusionTraining(TestConfigs.load(diffusion(dir, latents))).run(false, QUIET);
        assertThat((Double) m.get("final_loss")).isBetween(0.1, 10.0);
        assertThat(m.get("latent_channels")).isEqualTo(16);
        assertThat(m.get("tokens")).isEqualTo(16);
        for (String f : List.of(
                "config.conf",
                "diffusion.json",
                "log.jsonl",
                "metrics.json",
                "checkpoints/step-000004/model.params",
                "checkpoints/step-000004/ema.ndlist",
                "samples/diffusion-000004.png")) {
            assertThat(dir.resolve(f)).as(f).exists();
        }
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("diffusion.json")))
                .getAsJsonObject();
        assertThat(spec.get("tokenizer").getAsString()).isEqualTo("../tok");
        assertThat(spec.getAsJsonArray("mean")).hasSize(16);

        // resume to 6 steps continues the run
        new DiffusionTraining(TestConfigs.load(diffusion(dir, latents, "diffusion.steps=6"))).run(true, QUIET);
        assertThat(dir.resolve("checkpoints/step-000006/model.params")).exists();

        // generate: grids per class and an .npy, identical under the same seed
        var sampling = new DiffusionConfig.Sampling(VelocitySampler.Method.HEUN, 3, 2.0, 0, 8);
        Path npy = tmp.resolve("a.npy");
        Map<String, Object> g = Generation.run(
                dir, new Generation.Request(3, new int[] {0, 3}, null, sampling, 7, 4, npy, false), QUIET);
        assertThat(g.get("sampling_method")).isEqualTo("heun");
        assertThat(g.get("sampling_ema_weights")).isEqualTo(true);
        // the codes the samples were decoded from, of the tokenizer's 64
        assertThat((Integer) g.get("generated_codes_used")).isBetween(1, 64);
        assertThat((Double) g.get("generated_code_utilization"))
                .isEqualTo(((Integer) g.get("generated_codes_used")) / 64.0);
        assertThat(dir.resolve("samples/generated-3.png")).exists();
        byte[] first = Files.readAllBytes(npy);
        assertThat(first.length).isEqualTo(128 + 6 * 32 * 32 * 4);
        Path npy2 = tmp.resolve("b.npy");
        Generation.run(dir, new Generation.Request(3, new int[] {0, 3}, null, sampling, 7, 4, npy2, false), QUIET);
        assertThat(Files.readAllBytes(npy2)).isEqualTo(first);

        // through the CLI; token options are refused on a diffusion run in one line
        assertThat(Main.execute("generate", dir.toString(), "--count", "1", "--steps", "2", "--guidance", "1"))
                .isEqualTo(0);
        assertThat(Main.execute("generate", dir.toString(), "--count", "1", "--temperature", "0.9"))
                .isEqualTo(Main.USER_ERROR);
        assertThat(Main.execute("generate", dir.toString(), "--count", "1", "--method", "rk4"))
                .isEqualTo(Main.USER_ERROR);

        // a model shape that does not fit the latents is refused before anything is written
        Path bad = tmp.resolve("bad");
        assertThatThrownBy(() -> new DiffusionTraining(TestConfigs.load(diffusion(bad, latents, "diffusion.patch=3")))
                        .run(false, QUIET))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("diffusion.patch = 3 does not divide the latent grid 8");
        assertThat(bad).doesNotExist();
    }

    @Test
    void anFsqTokenizerDecodesGeneratedLatentsByItsOwnRounding() throws Exception {
        Path tok = tmp.resolve("fsq");
        new Training(TestConfigs.load(TestConfigs.tiny(
                        tok,
                        "train.steps=2",
                        "eval.limit=32",
                        "model.embed-dim=3",
                        "quantizer.type=fsq",
                        "quantizer.codebook-size=64",
                        "quantizer.levels=[4,4,4]")))
                .run(false, QUIET);
        Path latents = LatentExtraction.defaultOutput(tok, Split.TRAIN);
        try (TrainedRun run = TrainedRun.open(tok, List.of())) {
            LatentExtraction.run(run, Split.TRAIN, 32, latents, QUIET);
        }
        Path dir = tmp.resolve("sit-fsq");
        new DiffusionTraining(TestConfigs.load(diffusion(dir, latents, "diffusion.steps=2"))).run(false, QUIET);
        var sampling = new DiffusionConfig.Sampling(VelocitySampler.Method.EULER, 2, 1.0, 0, 8);
        Map<String, Object> g =
                Generation.run(dir, new Generation.Request(2, new int[] {0}, null, sampling, 1, 2, null, false), QUIET);
        assertThat((Integer) g.get("generated_codes_used")).isBetween(1, 64);
        assertThat(dir.resolve("samples/generated-0.png")).exists();
    }
}
