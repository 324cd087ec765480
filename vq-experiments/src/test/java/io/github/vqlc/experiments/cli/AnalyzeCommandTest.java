package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.io.TokenFile;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.tasks.Training;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vqlc analyze} on tiny trained runs: an LC run over a `vqlc codebook` file, and a VQ run. */
@Tag("e2e")
class AnalyzeCommandTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void anLcRunOverABuiltCodebookGetsEveryPartAndAVerdict() throws Exception {
        Path codebook = tmp.resolve("cb.npy");
        CliRun built = CliRun.of(
                "codebook",
                "-c",
                "configs/fashion-mnist/codebook.conf",
                "-o",
                "data.limit=400",
                "-o",
                "codebook.size=40",
                "-o",
                "codebook.extractor.type=patches",
                "-o",
                "codebook.output=" + codebook,
                "-o",
                "codebook.kmeans.iterations=3");
        assertThat(built.code()).as(built.err()).isZero();
        Path runDir = tmp.resolve("lc");
        new Training(TestConfigs.load(TestConfigs.tiny(
                        runDir,
                        "train.steps=3",
                        "train.checkpoint-every=3",
                        "quantizer.type=lc",
                        "quantizer.codebook-size=40",
                        "quantizer.codebook.init=file",
                        "quantizer.codebook.path=\"" + codebook + "\"")))
                .run(false, QUIET);

        CliRun r = CliRun.of("analyze", runDir.toString(), "--limit", "200", "--latents", "640");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("encode: 200/200 images").contains("What limits this run's utilization");
        JsonObject a = JsonParser.parseString(Files.readString(runDir.resolve("analysis.json")))
                .getAsJsonObject();
        assertThat(a.get("images").getAsInt()).isEqualTo(200);
        assertThat(a.getAsJsonArray("rarefaction")).isNotEmpty();
        assertThat(a.get("chao1").getAsDouble())
                .isGreaterThanOrEqualTo(a.get("used_codes").getAsDouble());
        assertThat(a.getAsJsonArray("dead_by_cluster_size")).hasSize(9);
        assertThat(a.getAsJsonArray("dead_by_class_block")).hasSize(10);
        assertThat(a.getAsJsonArray("dead_by_norm_decile")).hasSize(10);
        JsonObject coverage = a.getAsJsonObject("coverage");
        assertThat(coverage.get("latents_sampled").getAsInt()).isEqualTo(640); // 10 images x 64 tokens
        assertThat(coverage.getAsJsonObject("latent_to_nearest_code").get("p50").getAsDouble())
                .isGreaterThanOrEqualTo(0);
        assertThat(a.getAsJsonObject("classes").getAsJsonArray("own_block_token_share"))
                .hasSize(10);
        assertThat(a.getAsJsonArray("notes")).isEmpty();
        for (String f : new String[] {
            "analysis.md", "analysis-rarefaction.png", "analysis-dead-codes.png", "analysis-coverage.png"
        }) {
            assertThat(runDir.resolve(f)).isRegularFile();
        }
        assertThat(Files.readString(runDir.resolve("analysis.md")).strip())
                .endsWith(a.getAsJsonArray("verdict")
                        .get(a.getAsJsonArray("verdict").size() - 1)
                        .getAsString());

        // the used codes are those of the same images tokenized by `vqlc tokenize`
        Path tokens = tmp.resolve("t.vqt");
        CliRun t = CliRun.of(
                "tokenize", runDir.toString(), "--split", "train", "--limit", "200", "--out", tokens.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Set<Long> distinct = new HashSet<>();
        try (TokenFile file = TokenFile.open(tokens)) {
            long[] codes = new long[file.tokensPerImage()];
            for (int i = 0; i < file.count(); i++) {
                file.codes(i, codes, 0);
                for (long c : codes) {
                    distinct.add(c);
                }
            }
        }
        assertThat(a.get("used_codes").getAsInt()).isEqualTo(distinct.size());
    }

    @Test
    void aQuantizerWithoutACodebookFileSkipsThoseBreakdownsWithANote() throws Exception {
        Path runDir = tmp.resolve("vq");
        new Training(TestConfigs.load(TestConfigs.tiny(runDir, "train.steps=2", "train.checkpoint-every=2")))
                .run(false, QUIET);
        CliRun r = CliRun.of("analyze", runDir.toString(), "--limit", "64", "--latents", "64");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject a = JsonParser.parseString(Files.readString(runDir.resolve("analysis.json")))
                .getAsJsonObject();
        assertThat(a.getAsJsonArray("dead_by_cluster_size")).isEmpty();
        assertThat(a.getAsJsonArray("notes").get(0).getAsString()).contains("builds its own codebook");
    }

    @Test
    void aDirectoryWithoutConfigOrCheckpointIsOneLineAndExitCodeTwo() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("analyze", empty.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("no config.conf");
        Path untrained = Files.createDirectories(tmp.resolve("untrained"));
        Files.writeString(untrained.resolve("config.conf"), "run.name = x\n");
        CliRun u = CliRun.of("analyze", untrained.toString());
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err().strip()).doesNotContain("\n").contains("no complete checkpoint");
    }
}
