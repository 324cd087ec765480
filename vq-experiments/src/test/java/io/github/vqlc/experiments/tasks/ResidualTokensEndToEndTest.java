package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.BatchLoader;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.experiments.TestConfigs;
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

/**
 * A quantizer with several codes per position (rvq, depth 2) through training, utilization,
 * tokenize, the GPT and generation: token files lay a position's codes side by side.
 */
@Tag("e2e")
class ResidualTokensEndToEndTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void anRvqTokenizerTokenizesAndAGptTrainsAndGeneratesOnItsTokens() throws Exception {
        Path tok = tmp.resolve("tok");
        Map<String, Object> trained = new Training(TestConfigs.load(TestConfigs.tiny(
                        tok, "train.steps=6", "eval.limit=64", "quantizer.type=rvq", "quantizer.depth=2")))
                .run(false, QUIET);
        // usage over 2 x 64 pooled codes: each level's codebook counted apart
        double utilization = ((Number) trained.get("utilization")).doubleValue();
        assertThat(utilization).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(trained.get("codes_per_position")).isEqualTo(2);
        double level0 = ((Number) trained.get("utilization_level_0")).doubleValue();
        double level1 = ((Number) trained.get("utilization_level_1")).doubleValue();
        assertThat((level0 + level1) / 2).isCloseTo(utilization, within(1e-9));
        // distinct tuples: at least as many as the codes of the busier level
        assertThat(((Number) trained.get("joint_codes")).intValue())
                .isGreaterThanOrEqualTo((int) Math.round(64 * Math.max(level0, level1)));

        TrainedRun run = TrainedRun.open(tok, List.of());
        Path tokens = Tokenization.defaultOutput(tok, Split.TRAIN);
        TokenFile.Header h = Tokenization.run(run, Split.TRAIN, 40, tokens, QUIET);
        assertThat(h).isEqualTo(new TokenFile.Header(64, 8, 16, 40, 10));
        ParameterStore ps = new ParameterStore(run.manager(), false);
        try (TokenFile f = TokenFile.open(tokens)) {
            long[] codes = new long[128];
            f.codes(3, codes, 0);
            var data = Datasets.open(
                    run.config().data(), Split.TRAIN, run.config().run().seed());
            var batch = BatchLoader.builder(data).setBatchSize(1).build().load(run.manager(), new int[] {3});
            NDArray indices = run.model().encode(ps, batch.images(), false).indices();
            assertThat(indices.getShape().dimension()).isEqualTo(4);
            assertThat(codes).isEqualTo(indices.toLongArray());
            // the file's (h, w G) layout decodes to the same image as the (h, w, G) indices
            NDArray fromFile =
                    run.model().decodeTokens(ps, run.manager().create(codes).reshape(1, 8, 16));
            NDArray fromIndices = run.model().decodeTokens(ps, indices);
            assertThat(fromFile.sub(fromIndices).abs().max().getFloat()).isEqualTo(0f);
        }

        Path gptDir = tmp.resolve("gpt");
        List<String> gpt = List.of(
                "run.dir=\"" + gptDir + "\"",
                "run.device=cpu",
                "gpt.tokens=\"" + tokens + "\"",
                "gpt.layers=1",
                "gpt.width=32",
                "gpt.heads=2",
                "gpt.steps=2",
                "gpt.batch-size=8",
                "gpt.warmup-steps=1",
                "gpt.log-every=1",
                "gpt.checkpoint-every=2",
                "gpt.sample.batch-size=8");
        new GptTraining(TestConfigs.load(gpt)).run(false, QUIET);
        JsonObject metrics = JsonParser.parseString(Files.readString(gptDir.resolve("metrics.json")))
                .getAsJsonObject();
        assertThat(metrics.get("vocab_size").getAsInt()).isEqualTo(64);
        assertThat(gptDir.resolve("samples/gpt-000002.png")).exists();
        Path npy = tmp.resolve("g.npy");
        Generation.run(
                gptDir,
                new Generation.Request(1, new int[] {1}, new SamplingOptions(1.0, 0, 0.95), null, 7, 2, npy, false),
                QUIET);
        assertThat(gptDir.resolve("samples/generated-1.png")).exists();

        // a GPT trained on one-code-per-position tokens of the same vocabulary: one line naming both
        Path flat = tmp.resolve("flat.vqt");
        try (TokenFile.Writer w = TokenFile.create(flat, new TokenFile.Header(64, 8, 8, 8, 10))) {
            for (int i = 0; i < 8; i++) {
                w.append(new long[64], new int[] {0}, 1);
            }
            w.commit();
        }
        Path bad = tmp.resolve("bad");
        List<String> mismatch = List.of(
                "run.dir=\"" + bad + "\"",
                "run.device=cpu",
                "gpt.tokens=\"" + flat + "\"",
                "gpt.tokenizer=\"" + tok + "\"",
                "gpt.layers=1",
                "gpt.width=32",
                "gpt.heads=2",
                "gpt.steps=1",
                "gpt.batch-size=8");
        assertThatThrownBy(() -> new GptTraining(TestConfigs.load(mismatch)).run(false, QUIET))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("128 tokens per image (8x8 positions x 2 codes)")
                .hasMessageContaining("8x8")
                .hasMessageNotContaining("\n");
    }
}
