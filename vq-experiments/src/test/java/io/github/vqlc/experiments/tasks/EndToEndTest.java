package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.name.Named;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.SyntheticDataset;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.train.TrainingObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny real trainings on Fashion-MNIST through the same path as `vqlc train`. */
@Tag("e2e")
class EndToEndTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static List<JsonObject> log(Path runDir) throws Exception {
        List<JsonObject> lines = new ArrayList<>();
        for (String l : Files.readAllLines(runDir.resolve("log.jsonl"))) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            if (o.has("rec_l1")) {
                lines.add(o);
            }
        }
        return lines;
    }

    @Test
    void trainsOnFashionMnistWritesTheRunDirectoryAndLossFalls() throws Exception {
        Path runDir = tmp.resolve("run");
        ExperimentConfig c = TestConfigs.load(TestConfigs.tiny(runDir, "train.steps=40"));
        Map<String, Object> m = new Training(c).run(false, QUIET);

        assertThat(runDir.resolve("config.conf")).isRegularFile();
        assertThat(runDir.resolve("metrics.json")).isRegularFile();
        assertThat(runDir.resolve("samples/recon-000040.png")).isRegularFile();
        assertThat(runDir.resolve("samples/code-usage.png")).isRegularFile();
        assertThat(runDir.resolve("samples/usage-over-training.png")).isRegularFile();
        assertThat(runDir.resolve("checkpoints/step-000040/model.params")).isRegularFile();

        JsonObject metrics = JsonParser.parseString(Files.readString(runDir.resolve("metrics.json")))
                .getAsJsonObject();
        for (String key : List.of(
                "quantizer",
                "codebook_size",
                "tokens",
                "utilization",
                "perplexity",
                "psnr",
                "rec_l1",
                "steps",
                "train_seconds",
                "images_per_second",
                "dead_codes",
                "utilization_last_epoch",
                "utilization_last_epoch_tokens",
                "utilization_last_epoch_complete",
                "utilization_window",
                "utilization_window_tokens")) {
            assertThat(metrics.has(key)).as(key).isTrue();
        }
        assertThat(metrics.get("tokens").toString()).isEqualTo("64"); // integers stay integers
        assertThat(metrics.get("fid_extractor") == null
                        || metrics.get("fid_extractor").isJsonNull())
                .isTrue();
        assertThat(metrics.get("steps").getAsInt()).isEqualTo(40);
        double util = metrics.get("utilization").getAsDouble();
        assertThat(util).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(metrics.get("psnr").getAsDouble()).isBetween(5.0, 60.0);
        assertThat(m.get("eval_images")).isEqualTo(256);

        List<JsonObject> lines = log(runDir);
        assertThat(lines).hasSize(8);
        double first = lines.get(0).get("rec_l1").getAsDouble();
        double last = lines.get(lines.size() - 1).get("rec_l1").getAsDouble();
        assertThat(last).as("reconstruction loss falls").isLessThan(first * 0.8);
        assertThat(lines.get(0).has("codebook")).isTrue();
        assertThat(lines.get(0).has("commitment")).isTrue();
        // the evolving model's usage: 40 steps of 16 images x 64 tokens, less than one epoch
        assertThat(lines)
                .allSatisfy(l -> assertThat(l.has("utilization_window")).isTrue());
        assertThat(metrics.get("utilization_last_epoch_complete").getAsBoolean())
                .isFalse();
        assertThat(metrics.get("utilization_last_epoch_tokens").getAsLong())
                .isEqualTo(40L * c.train().batchSize() * 64);
        assertThat(metrics.get("utilization_window").getAsDouble())
                .isEqualTo(lines.get(lines.size() - 1).get("utilization_window").getAsDouble())
                .isGreaterThan(0);

        // a second fresh run into the same directory is refused, nothing overwritten
        long before = Files.getLastModifiedTime(runDir.resolve("metrics.json")).toMillis();
        assertThatThrownBy(() -> new Training(c).run(false, QUIET))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.getLastModifiedTime(runDir.resolve("metrics.json")).toMillis())
                .isEqualTo(before);

        // eval re-evaluates the newest checkpoint into the same numbers (deterministic)
        Map<String, Object> again = new Evaluation(c).run(QUIET);
        assertThat((Double) again.get("utilization")).isEqualTo(util);
        assertThat((Double) again.get("psnr")).isCloseTo(metrics.get("psnr").getAsDouble(), Offset.offset(1e-6));
    }

    @Test
    void resumeAfterACrashEndsWhereAnUninterruptedRunEnds() throws Exception {
        Path straight = tmp.resolve("straight");
        Path crashed = tmp.resolve("crashed");
        new Training(TestConfigs.load(TestConfigs.tiny(straight, "train.steps=20"))).run(false, QUIET);

        ExperimentConfig c = TestConfigs.load(TestConfigs.tiny(crashed, "train.steps=20"));
        // crash right after step 13: checkpoint 10 is the newest complete one
        assertThatThrownBy(() -> new Training(c, new CrashAt(13)).run(false, QUIET))
                .hasMessageContaining("simulated crash");
        assertThat(crashed.resolve("checkpoints/step-000010")).isDirectory();
        assertThat(crashed.resolve("metrics.json")).doesNotExist();
        new Training(c).run(true, QUIET);

        JsonObject a = JsonParser.parseString(Files.readString(straight.resolve("metrics.json")))
                .getAsJsonObject();
        JsonObject b = JsonParser.parseString(Files.readString(crashed.resolve("metrics.json")))
                .getAsJsonObject();
        assertThat(b.get("steps").getAsInt()).isEqualTo(20);
        assertThat(b.get("final_loss").getAsDouble())
                .isCloseTo(a.get("final_loss").getAsDouble(), Offset.offset(1e-4));
        assertThat(b.get("utilization").getAsDouble())
                .isEqualTo(a.get("utilization").getAsDouble());
        // the record of recently used codes is checkpointed too
        assertThat(b.get("utilization_last_epoch").getAsDouble())
                .isEqualTo(a.get("utilization_last_epoch").getAsDouble());
        assertThat(b.get("utilization_window").getAsDouble())
                .isEqualTo(a.get("utilization_window").getAsDouble());
        List<JsonObject> la = log(straight);
        List<JsonObject> lb = log(crashed);
        assertThat(lb.get(lb.size() - 1).get("step").getAsInt()).isEqualTo(20);
        assertThat(lb.get(lb.size() - 1).get("rec_l1").getAsDouble())
                .isCloseTo(la.get(la.size() - 1).get("rec_l1").getAsDouble(), Offset.offset(1e-4));
    }

    @Test
    void aTestOnlyQuantizerAndASyntheticDatasetPlugInWithoutFrameworkChanges() throws Exception {
        Path runDir = tmp.resolve("toy");
        ExperimentConfig c = TestConfigs.load(
                TestConfigs.tiny(runDir, "quantizer.type=toy", "quantizer.scale=0.5", "train.steps=10"));
        Map<String, Object> m = new Training(c, new SyntheticData()).run(false, QUIET);
        assertThat(m.get("quantizer")).isEqualTo("toy");
        assertThat((Double) m.get("utilization")).isGreaterThan(0);
        assertThat(m.get("eval_images")).isEqualTo(128);
    }

    @Test
    void aNanLossStopsTheRunWithAClearMessageAndKeepsTheLastGoodCheckpoint() {
        Path runDir = tmp.resolve("nan");
        ExperimentConfig c = TestConfigs.load(TestConfigs.tiny(
                runDir,
                "quantizer.type=toy",
                "quantizer.nan-after=12",
                "train.steps=30",
                "train.log-every=5",
                "train.checkpoint-every=5"));
        assertThatThrownBy(() -> new Training(c, new SyntheticData()).run(false, QUIET))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("NaN")
                .hasMessageContaining("step 15")
                .hasMessageContaining("step-000010");
        assertThat(runDir.resolve("checkpoints/step-000010/model.params")).isRegularFile();
        assertThat(runDir.resolve("checkpoints/step-000015")).doesNotExist();
        assertThat(runDir.resolve("metrics.json")).doesNotExist();
    }

    /** Replaces both splits by synthetic images through a Guice override. */
    static final class SyntheticData extends AbstractModule {
        @Provides
        @Named("train")
        ImageDataset train() {
            return new SyntheticDataset(512, 4, 1, 32, 1);
        }

        @Provides
        @Named("eval")
        ImageDataset eval() {
            return new SyntheticDataset(128, 4, 1, 32, 2);
        }
    }

    /** Throws from the progress hook at a given step, like a crash between checkpoints. */
    static final class CrashAt extends AbstractModule {
        private final int step;

        CrashAt(int step) {
            this.step = step;
        }

        @Override
        protected void configure() {
            bind(TrainingObserver.class).toInstance(new TrainingObserver() {
                @Override
                public void stepped(int s, double ips, Map<String, Double> losses) {
                    if (s == step) {
                        throw new IllegalStateException("simulated crash at step " + s);
                    }
                }
            });
        }
    }
}
