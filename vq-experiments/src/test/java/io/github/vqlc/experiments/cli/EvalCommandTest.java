package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.eval.testing.RandomConvExtractorFactory;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.tasks.Training;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vqlc eval <run-dir>} on a tiny trained run, with a test-only extractor and a tiny TorchScript LPIPS. */
@Tag("e2e")
class EvalCommandTest {

    @TempDir
    Path tmp;

    private static JsonObject metrics(Path runDir) throws Exception {
        return JsonParser.parseString(Files.readString(runDir.resolve("metrics.json")))
                .getAsJsonObject();
    }

    @Test
    void evalWritesEveryMetricDeterministicallyAndReusesTheReferenceStatistics() throws Exception {
        Path lpips = tmp.resolve("tiny-lpips.pt");
        try (InputStream in = getClass().getResourceAsStream("/lpips/tiny-lpips.pt")) {
            Files.copy(in, lpips);
        }
        Path runDir = tmp.resolve("run");
        new Training(TestConfigs.load(TestConfigs.tiny(
                        runDir,
                        "train.steps=3",
                        "train.checkpoint-every=3",
                        "eval.limit=32",
                        "eval.fid.extractor.type=" + RandomConvExtractorFactory.TYPE,
                        "eval.lpips.path=\"" + lpips + "\"",
                        "eval.cache-dir=\"" + tmp.resolve("fid-cache") + "\"",
                        "eval.psnr-channel=y")))
                .run(false, new PrintStream(new ByteArrayOutputStream()));
        JsonObject trained = metrics(runDir);
        assertThat(trained.get("rfid_reference").getAsString()).isEqualTo("computed");

        CliRun r = CliRun.of("eval", runDir.toString(), "--limit", "32");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject m = metrics(runDir);
        for (String key : List.of(
                "utilization",
                "perplexity",
                "dead_codes",
                "used_codes",
                "codebook_size",
                "rfid",
                "fid_extractor",
                "psnr",
                "ssim",
                "lpips",
                "rec_l1",
                "eval_split",
                "eval_images",
                "utilization_split",
                "checkpoint_step",
                "steps",
                "tokens",
                "quantizer")) {
            JsonElement v = m.get(key);
            assertThat(v != null && !v.isJsonNull()).as(key).isTrue();
        }
        assertThat(m.get("rfid_reference").getAsString()).isEqualTo("cached");
        assertThat(m.get("fid_extractor").getAsString()).startsWith(RandomConvExtractorFactory.TYPE);
        assertThat(m.get("psnr_channel").getAsString()).isEqualTo("y");
        assertThat(m.get("eval_images").getAsInt()).isEqualTo(32);
        assertThat(m.get("ssim").getAsDouble()).isBetween(-1.0, 1.0);
        assertThat(m.get("lpips").getAsDouble()).isGreaterThan(0);
        assertThat(m.get("rfid").getAsDouble()).isGreaterThan(0);
        // same checkpoint, same numbers as the evaluation at the end of training
        for (String key : List.of("utilization", "perplexity", "psnr", "ssim", "lpips", "rfid")) {
            assertThat(m.get(key).getAsDouble())
                    .as(key)
                    .isEqualTo(trained.get(key).getAsDouble());
        }
        assertThat(r.out()).contains("rfid").contains("ssim").contains("eta");
        assertThat(r.out()
                        .strip()
                        .lines()
                        .filter(l -> l.contains("utilization "))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aRunDirectoryWithoutACheckpointIsAOneLineUserError() throws Exception {
        Path runDir = tmp.resolve("untrained");
        Files.createDirectories(runDir);
        Files.writeString(
                runDir.resolve("config.conf"),
                TestConfigs.load(TestConfigs.tiny(runDir)).render());
        CliRun r = CliRun.of("eval", runDir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no complete checkpoint").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(runDir.resolve("metrics.json")).doesNotExist();
    }

    @Test
    void aMissingFeatureNetworkFailsBeforeAnyWork() throws Exception {
        Path runDir = tmp.resolve("nofeat");
        CliRun r = CliRun.of(
                "train",
                "-c",
                "configs/quickstart.conf",
                "-o",
                "run.dir=" + runDir,
                "-o",
                "eval.fid.extractor.type=" + RandomConvExtractorFactory.TYPE,
                "-o",
                "eval.fid.extractor.path=" + tmp.resolve("missing.bin"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("eval.fid.extractor")
                .contains("missing.bin")
                .contains("eval.fid.extractor.type = none");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(runDir).doesNotExist();
    }
}
