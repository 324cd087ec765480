package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.cli.Main;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.gpt.SamplingOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenize -> gpt train -> generate on a tiny tokenizer trained for a few steps on Fashion-MNIST. */
@Tag("e2e")
class GptEndToEndTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void tokenizeTrainAGptAndGenerateDeterministically() throws Exception {
        Path tok = tmp.resolve("tok");
        new Training(TestConfigs.load(TestConfigs.tiny(tok, "train.steps=6", "eval.limit=64"))).run(false, QUIET);

        // tokenize: 8x8 grid of a 64-code tokenizer, int16 codes, Fashion-MNIST's 10 classes
        TrainedRun trained = TrainedRun.open(tok, List.of());
        Path tokens = Tokenization.defaultOutput(tok, Split.TRAIN);
        TokenFile.Header h = Tokenization.run(trained, Split.TRAIN, 96, tokens, QUIET);
        assertThat(h).isEqualTo(new TokenFile.Header(64, 8, 8, 96, 10));
        try (TokenFile f = TokenFile.open(tokens)) {
            assertThat(Files.size(tokens)).isEqualTo(32 + 96 * 64 * 2 + 96 * 4);
            long[] codes = new long[64];
            f.codes(5, codes, 0);
            // the same image encoded directly gives the same codes
            var data = Datasets.open(
                    trained.config().data(), Split.TRAIN, trained.config().run().seed());
            var batch = BatchLoader.builder(data).setBatchSize(1).build().load(trained.manager(), new int[] {5});
            long[] direct = trained.model()
                    .encode(new ParameterStore(trained.manager(), false), batch.images(), false)
                    .indices()
                    .toLongArray();
            assertThat(codes).isEqualTo(direct);
            assertThat(f.label(5)).isEqualTo(data.label(5));
        }

        // gpt train: writes the run directory, sample grid from the tokenizer found next to the tokens file
        Path gptDir = tmp.resolve("gpt");
        List<String> gpt = List.of(
                "run.dir=\"" + gptDir + "\"",
                "run.device=cpu",
                "gpt.tokens=\"" + tokens + "\"",
                "gpt.layers=1",
                "gpt.width=32",
                "gpt.heads=2",
                "gpt.steps=4",
                "gpt.batch-size=16",
                "gpt.warmup-steps=1",
                "gpt.log-every=2",
                "gpt.checkpoint-every=4",
                "gpt.sample.batch-size=8");
        Map<String, Object> m = new GptTraining(TestConfigs.load(gpt)).run(false, QUIET);
        assertThat((Double) m.get("final_loss")).isBetween(0.5, 10.0);
        for (String f : List.of(
                "config.conf",
                "gpt.json",
                "log.jsonl",
                "metrics.json",
                "checkpoints/step-000004/model.params",
                "samples/gpt-000004.png")) {
            assertThat(gptDir.resolve(f)).as(f).exists();
        }
        JsonObject metrics = JsonParser.parseString(Files.readString(gptDir.resolve("metrics.json")))
                .getAsJsonObject();
        assertThat(metrics.get("vocab_size").getAsInt()).isEqualTo(64);
        assertThat(metrics.get("steps").getAsInt()).isEqualTo(4);

        // generate: grids per class and an .npy, identical under the same seed
        Path npy = tmp.resolve("a.npy");
        var request =
                new Generation.Request(3, new int[] {0, 3}, new SamplingOptions(1.0, 0, 0.95), null, 7, 6, npy, false);
        Generation.run(gptDir, request, QUIET);
        assertThat(gptDir.resolve("samples/generated-0.png")).exists();
        assertThat(gptDir.resolve("samples/generated-3.png")).exists();
        byte[] first = Files.readAllBytes(npy);
        assertThat(first.length).isEqualTo(128 + 6 * 32 * 32 * 4);
        Path npy2 = tmp.resolve("b.npy");
        Generation.run(
                gptDir,
                new Generation.Request(3, new int[] {0, 3}, new SamplingOptions(1.0, 0, 0.95), null, 7, 6, npy2, false),
                QUIET);
        // gFID needs the tokenizer's FID extractor: this one has none, a one-line error before sampling
        assertThat(Main.execute("generate", gptDir.toString(), "--count", "2", "--gfid"))
                .isEqualTo(Main.USER_ERROR);
        assertThat(Files.readAllBytes(npy2)).isEqualTo(first);

        // a tokens file of another vocabulary is refused in one line, nothing written
        Path other = tmp.resolve("other.vqt");
        try (TokenFile.Writer w = TokenFile.create(other, new TokenFile.Header(128, 8, 8, 16, 10))) {
            for (int i = 0; i < 16; i++) {
                w.append(new long[64], new int[] {0}, 1);
            }
            w.commit();
        }
        Path bad = tmp.resolve("bad");
        List<String> mismatch = List.of(
                "run.dir=\"" + bad + "\"",
                "run.device=cpu",
                "gpt.tokens=\"" + other + "\"",
                "gpt.tokenizer=\"" + tok + "\"",
                "gpt.layers=1",
                "gpt.width=32",
                "gpt.heads=2");
        assertThatThrownBy(() -> new GptTraining(TestConfigs.load(mismatch)).run(false, QUIET))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("codebook size 64")
                .hasMessageContaining("128");
        assertThat(bad).doesNotExist();
        assertThat(Main.execute(
                        "gpt",
                        "train",
                        "-o",
                        "run.dir=\"" + bad + "\"",
                        "-o",
                        "gpt.tokens=\"" + other + "\"",
                        "-o",
                        "gpt.vocab-size=64",
                        "-o",
                        "gpt.layers=1"))
                .isEqualTo(Main.USER_ERROR);
    }
}
