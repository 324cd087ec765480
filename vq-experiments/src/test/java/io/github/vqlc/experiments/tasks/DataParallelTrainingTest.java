package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.config.ExperimentConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vqlc train} with {@code train.devices}: replicas reported, exact resume, bad device lists refused. */
@Tag("e2e")
class DataParallelTrainingTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static List<String> twoReplicas(Path run, String... extra) {
        List<String> o = new ArrayList<>(TestConfigs.tiny(
                run,
                "quantizer.type=ema",
                "train.devices=[cpu,cpu]",
                "train.steps=12",
                "train.checkpoint-every=5",
                "loss.gan.weight=0.5",
                "loss.gan.start-step=4",
                "discriminator.filters=16"));
        o.addAll(List.of(extra));
        return o;
    }

    @Test
    void aTwoReplicaRunReportsItsReplicasAndResumesExactly() throws Exception {
        Path straight = tmp.resolve("straight");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new Training(TestConfigs.load(twoReplicas(straight)), new EndToEndTest.SyntheticData())
                .run(false, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("data parallel: 2 replicas (cpu(), cpu()), 8 images each per micro-batch");

        Path crashed = tmp.resolve("crashed");
        ExperimentConfig c = TestConfigs.load(twoReplicas(crashed));
        assertThatThrownBy(() -> new Training(c, new EndToEndTest.SyntheticData(), new EndToEndTest.CrashAt(8))
                        .run(false, QUIET))
                .hasMessageContaining("simulated crash");
        assertThat(crashed.resolve("checkpoints/step-000005")).isDirectory();
        new Training(c, new EndToEndTest.SyntheticData()).run(true, QUIET);

        JsonObject a = metrics(straight);
        JsonObject b = metrics(crashed);
        assertThat(a.get("replicas").getAsInt()).isEqualTo(2);
        assertThat(b.get("steps").getAsInt()).isEqualTo(12);
        for (String k : List.of("final_loss", "final_d_loss", "final_gan_lambda", "psnr")) {
            assertThat(b.get(k).getAsDouble()).as(k).isCloseTo(a.get(k).getAsDouble(), Offset.offset(1e-5));
        }
        assertThat(b.get("utilization").getAsDouble())
                .isEqualTo(a.get("utilization").getAsDouble());
        assertThat(b.get("utilization_window").getAsDouble())
                .isEqualTo(a.get("utilization_window").getAsDouble());
    }

    @Test
    void deviceListsThatCannotWorkAreOneLineErrorsBeforeAnythingIsWritten() {
        Path run = tmp.resolve("bad");
        assertThat(RecipeTest.userError(() -> train(TestConfigs.tiny(run, "train.devices=[cpu,gpu3]"))))
                .hasMessageContaining("train.devices names gpu3")
                .hasMessageContaining("visible: cpu");
        assertThat(RecipeTest.userError(
                        () -> train(TestConfigs.tiny(run, "train.devices=[cpu,cpu,cpu]", "train.batch-size=16"))))
                .hasMessageContaining("train.batch-size = 16 does not split evenly over the 3 devices");
        assertThat(RecipeTest.userError(() -> train(TestConfigs.tiny(run, "train.precision=bf16"))))
                .hasMessageContaining("train.precision = bf16");
        assertThat(run).doesNotExist();
    }

    private static void train(List<String> overrides) {
        new Training(TestConfigs.load(overrides), new EndToEndTest.SyntheticData()).run(false, QUIET);
    }

    private static JsonObject metrics(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve("metrics.json")))
                .getAsJsonObject();
    }
}
