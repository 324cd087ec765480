package io.github.vqlc.models.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.models.train.TrainingObserver;
import io.github.vqlc.models.train.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptTrainerTest {

    @TempDir
    Path tmp;

    /** 64 images of a 2x4 grid over 16 codes; class c's images repeat the run c, c+1, ..., c+7 (mod 16). */
    static Path repeatingTokens(Path file) {
        try (TokenFile.Writer w = TokenFile.create(file, new TokenFile.Header(16, 2, 4, 64, 4))) {
            for (int i = 0; i < 64; i++) {
                int c = i % 4;
                long[] codes = new long[8];
                for (int j = 0; j < 8; j++) {
                    codes[j] = (3L * c + j) % 16;
                }
                w.append(codes, new int[] {c}, 1);
            }
            w.commit();
        }
        return file;
    }

    static GptConfig config(Path tokens, String... overrides) {
        String base = "gpt { tokens = \"" + tokens + "\", layers = 2, width = 32, heads = 4, dropout = 0, steps = 40,"
                + " batch-size = 16, lr = 5e-3, min-lr = 5e-4, warmup-steps = 5, log-every = 10, checkpoint-every = 20 }";
        var c = ConfigFactory.parseString(String.join("\n", overrides))
                .withFallback(ConfigFactory.parseString(base))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        return GptConfig.from(c.getConfig("gpt"));
    }

    private static TrainingSummary train(Path tokens, Path runDir, boolean resume, GptConfig c, int crashAfter) {
        try (NDManager m = NDManager.newBaseManager();
                TokenFile file = TokenFile.open(tokens)) {
            Engine.getInstance().setRandomSeed(0);
            TokenGpt gpt = new TokenGpt(c.spec(file.header(), tokens));
            gpt.initialize(m);
            GptTrainer trainer = new GptTrainer(gpt, m, c, file, runDir, 0);
            if (crashAfter > 0) {
                trainer.sampler(step -> {});
                trainer.observer(new TrainingObserver() {
                    @Override
                    public void stepped(int step, double ips, Map<String, Double> latest) {
                        if (step == crashAfter) {
                            throw new IllegalStateException("simulated crash");
                        }
                    }
                });
            }
            return trainer.run(resume);
        }
    }

    private static List<Double> losses(Path runDir) throws Exception {
        List<Double> out = new ArrayList<>();
        for (String l : Files.readAllLines(runDir.resolve("log.jsonl"))) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            out.add(o.get("loss").getAsDouble());
        }
        return out;
    }

    @Test
    void lossFallsFarBelowChanceOnARepeatingDataset() throws Exception {
        Path tokens = repeatingTokens(tmp.resolve("t.vqt"));
        Path run = tmp.resolve("run");
        TrainingSummary s = train(tokens, run, false, config(tokens), 0);
        List<Double> l = losses(run);
        assertThat(l).hasSize(4);
        assertThat(l.get(0)).isGreaterThan(1.2); // chance is ln 16 = 2.77
        assertThat(l.get(l.size() - 1)).isLessThan(0.35 * l.get(0));
        assertThat(s.lastLosses().get("loss")).isEqualTo(l.get(l.size() - 1));
        assertThat(run.resolve("checkpoints/step-000040/optimizer.ndlist")).isRegularFile();
    }

    @Test
    void tokenCorruptionReplacesTheRequestedShareOfInputsWithRandomIds() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            int n = 20_000;
            NDArray tokens = m.full(new Shape(n / 100, 100), 7f).toType(DataType.INT64, false);
            assertThat(GptTrainer.corrupted(tokens, 0, 1000)).isSameAs(tokens);
            long[] out = GptTrainer.corrupted(tokens, 0.2, 1000).toLongArray();
            long changed = Arrays.stream(out).filter(t -> t != 7).count();
            // 20% replaced; a replacement equal to 7 by chance (1/1000) does not show
            assertThat(changed / (double) n).isCloseTo(0.2 * 0.999, Offset.offset(0.01));
            assertThat(Arrays.stream(out).allMatch(t -> t >= 0 && t < 1000)).isTrue();
            assertThat(tokens.toLongArray()).containsOnly(7L); // the targets are untouched
        }
    }

    @Test
    void resumeAfterACrashEndsWhereAnUninterruptedRunEnds() throws Exception {
        Path tokens = repeatingTokens(tmp.resolve("t.vqt"));
        GptConfig c =
                config(tokens, "gpt.steps = 12", "gpt.dropout = 0.1", "gpt.log-every = 2", "gpt.checkpoint-every = 5");
        Path straight = tmp.resolve("straight");
        Path crashed = tmp.resolve("crashed");
        train(tokens, straight, false, c, 0);
        assertThatThrownBy(() -> train(tokens, crashed, false, c, 8)).hasMessageContaining("simulated crash");
        assertThat(crashed.resolve("checkpoints/step-000005")).isDirectory();
        train(tokens, crashed, true, c, 0);
        List<Double> a = losses(straight);
        List<Double> b = losses(crashed);
        // the crashed run logged 2..8, then resumed at 5 and logged 6..12
        assertThat(b.get(b.size() - 1)).isCloseTo(a.get(a.size() - 1), Offset.offset(1e-5));
        assertThat(b.get(b.size() - 2)).isCloseTo(a.get(a.size() - 2), Offset.offset(1e-5));
    }

    @Test
    void aTokensFileOfAnotherVocabularyOrGridIsAOneLineUserError() {
        Path tokens = repeatingTokens(tmp.resolve("t.vqt"));
        try (TokenFile f = TokenFile.open(tokens)) {
            assertThatThrownBy(() -> config(tokens, "gpt.vocab-size = 1024").spec(f.header(), tokens))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("codebook size 16")
                    .hasMessageContaining("gpt.vocab-size = 1024")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> config(tokens, "gpt.grid = [4, 4]").spec(f.header(), tokens))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("2x4")
                    .hasMessageContaining("gpt.grid = [4, 4]");
            GptSpec spec =
                    config(tokens, "gpt.vocab-size = 16", "gpt.grid = [2, 4]").spec(f.header(), tokens);
            assertThat(spec.vocabSize()).isEqualTo(16);
            assertThat(spec.classes()).isEqualTo(4);
            assertThat(spec.sequenceLength()).isEqualTo(8);
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunBeforeAnythingIsSaved() {
        Path tokens = repeatingTokens(tmp.resolve("t.vqt"));
        Path run = tmp.resolve("nan");
        GptConfig c = config(tokens, "gpt.steps = 3", "gpt.log-every = 1");
        try (NDManager m = NDManager.newBaseManager();
                TokenFile file = TokenFile.open(tokens)) {
            TokenGpt gpt = new TokenGpt(c.spec(file.header(), tokens));
            gpt.initialize(m);
            gpt.getParameters().get(0).getValue().getArray().muli(Float.NaN); // a corrupt embedding
            GptTrainer trainer = new GptTrainer(gpt, m, c, file, run, 0);
            assertThatThrownBy(() -> trainer.run(false))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("GPT loss became NaN at step 1")
                    .hasMessageContaining("last good checkpoint: none");
        }
        assertThat(run.resolve("checkpoints")).doesNotExist();
    }
}
