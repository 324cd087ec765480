package io.github.vqlc.experiments.sweep.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.eval.testing.RandomConvExtractorFactory;
import io.github.vqlc.experiments.cli.CliRun;
import io.github.vqlc.experiments.sweep.TinySweeps;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downstream stage: tokens, GPT and gFID for the cells it applies to, a gFID column, resumable. */
@Tag("e2e")
class SweepDownstreamTest {

    @TempDir
    Path dir;

    @Test
    void downstreamCellsGetAGptAndAGfidOthersDoNot() throws Exception {
        Path gpt = Path.of(
                SweepDownstreamTest.class.getResource("/sweeps/tiny-gpt.conf").toURI());
        Path spec = dir.resolve("sweep.in.conf");
        Files.writeString(
                spec,
                "sweep {\n  name = tiny\n  base = \"" + TinySweeps.base() + "\"\n  dir = \"" + dir.resolve("out")
                        + "\"\n  axes = [ { key = quantizer.scale, values = [0.5, 1.0] } ]\n"
                        + "  overrides { eval.fid.extractor.type = " + RandomConvExtractorFactory.TYPE
                        + ", eval.cache-dir = \"" + dir.resolve("cache")
                        + "\" }\n"
                        + "  downstream { enabled = true, gpt = \"" + gpt
                        + "\", count = 8, only = [ { quantizer.scale = 1.0 } ],\n"
                        + "    overrides { gpt.lr = 1e-3 } }\n}\n");

        CliRun r = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0");
        assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
        Path cell = dir.resolve("out/scale=1_seed=0");
        assertThat(cell.resolve("tokens-train.vqt")).exists();
        assertThat(cell.resolve("gpt/metrics.json")).exists();
        assertThat(cell.resolve(DownstreamStage.DONE)).exists();
        JsonObject m = JsonLines.readObject(cell.resolve("metrics.json")).orElseThrow();
        assertThat(m.get("gfid").getAsDouble()).isFinite().isGreaterThanOrEqualTo(0);
        assertThat(m.get("gfid_images").getAsLong()).as("8 per class").isEqualTo(8L * classes(cell));
        assertThat(m.get("gpt_final_loss").getAsDouble()).isPositive();
        JsonObject g = JsonLines.readObject(cell.resolve("gpt/metrics.json")).orElseThrow();
        assertThat(g.get("fid_extractor").getAsString()).startsWith(RandomConvExtractorFactory.TYPE);
        assertThat(g.get("steps").getAsInt()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("out/table.md"))).contains("| gFID |");

        // the other cell trains without the downstream stage
        CliRun other = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=0.5_seed=0");
        assertThat(other.code()).as(other.err()).isEqualTo(0);
        assertThat(dir.resolve("out/scale=0.5_seed=0/metrics.json")).exists();
        assertThat(dir.resolve("out/scale=0.5_seed=0/gpt")).doesNotExist();

        // finished: nothing runs again
        long before =
                Files.getLastModifiedTime(cell.resolve("gpt/metrics.json")).toMillis();
        CliRun again = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0");
        assertThat(again.out()).contains("is finished");
        assertThat(Files.getLastModifiedTime(cell.resolve("gpt/metrics.json")).toMillis())
                .isEqualTo(before);

        // without the marker (e.g. the GPT trained by hand in the same layout): the trained GPT is only sampled
        Files.delete(cell.resolve(DownstreamStage.DONE));
        double trainSeconds = g.get("train_seconds").getAsDouble();
        CliRun resample = CliRun.of("sweep", "-c", spec.toString(), "--cell", "scale=1_seed=0");
        assertThat(resample.code()).as(resample.err()).isEqualTo(0);
        assertThat(resample.out()).contains("is trained (4 steps): generating only");
        JsonObject g2 = JsonLines.readObject(cell.resolve("gpt/metrics.json")).orElseThrow();
        assertThat(g2.get("train_seconds").getAsDouble()).isEqualTo(trainSeconds);
        assertThat(JsonLines.readObject(cell.resolve("metrics.json"))
                        .orElseThrow()
                        .get("gfid")
                        .getAsDouble())
                .isEqualTo(m.get("gfid").getAsDouble()); // same seed, same images
        assertThat(cell.resolve(DownstreamStage.DONE)).exists();
    }

    @Test
    void theSitKindTrainsADiffusionModelOnTheCellsLatentsBesideTheGpt() throws Exception {
        Path gpt = Path.of(
                SweepDownstreamTest.class.getResource("/sweeps/tiny-gpt.conf").toURI());
        Path sit = Path.of(
                SweepDownstreamTest.class.getResource("/sweeps/tiny-sit.conf").toURI());
        Path spec = dir.resolve("sweep.in.conf");
        Files.writeString(
                spec,
                "sweep {\n  name = tiny\n  base = \"" + TinySweeps.base() + "\"\n  dir = \"" + dir.resolve("out")
                        + "\"\n  axes = [ { key = quantizer.scale, values = [1.0] } ]\n"
                        + "  overrides { eval.fid.extractor.type = " + RandomConvExtractorFactory.TYPE
                        + ", eval.cache-dir = \"" + dir.resolve("cache")
                        + "\" }\n"
                        + "  downstream { enabled = true, gpt = \"" + gpt + "\", sit = \"" + sit
                        + "\", count = 4 }\n}\n");
        Path cell = dir.resolve("out/scale=1_seed=0");
        CliRun r = CliRun.of("sweep", "-c", spec.toString(), "-o", "sweep.downstream.kind=sit");
        assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
        assertThat(cell.resolve("latents-train.npy")).exists();
        assertThat(cell.resolve("sit/diffusion.json")).exists();
        assertThat(cell.resolve(DownstreamStage.SIT_DONE)).exists();
        assertThat(cell.resolve("gpt")).doesNotExist();
        JsonObject m = JsonLines.readObject(cell.resolve("metrics.json")).orElseThrow();
        assertThat(m.get("sit_gfid").getAsDouble()).isFinite().isGreaterThanOrEqualTo(0);
        assertThat(m.get("sit_gfid_images").getAsLong()).isEqualTo(4L * 10);
        assertThat(m.get("sit_sampling_steps").getAsInt()).isEqualTo(2);
        assertThat(m.has("gfid")).isFalse();
        assertThat(Files.readString(dir.resolve("out/table.md"))).contains("| gFID (SiT) |");

        // then the GPT kind on the same sweep: both columns, the SiT figures kept
        CliRun g = CliRun.of("sweep", "-c", spec.toString());
        assertThat(g.code()).as(g.err() + g.out()).isEqualTo(0);
        JsonObject both = JsonLines.readObject(cell.resolve("metrics.json")).orElseThrow();
        assertThat(both.get("gfid").getAsDouble()).isFinite();
        assertThat(both.get("sit_gfid").getAsDouble())
                .isEqualTo(m.get("sit_gfid").getAsDouble());
        assertThat(Files.readString(dir.resolve("out/table.md")))
                .contains("| gFID |")
                .contains("| gFID (SiT) |");
    }

    @Test
    void aBadDownstreamGptConfigFailsBeforeAnythingRuns() throws Exception {
        Path gpt = dir.resolve("bad-gpt.conf");
        Files.writeString(gpt, "gpt { layers = 1, no-such-key = 3 }\n");
        Path spec = dir.resolve("sweep.in.conf");
        Files.writeString(
                spec,
                "sweep {\n  name = tiny\n  base = \"" + TinySweeps.base() + "\"\n  dir = \"" + dir.resolve("out")
                        + "\"\n  axes = [ { key = quantizer.scale, values = [0.5, 1.0] } ]\n"
                        + "  downstream { enabled = true, gpt = \"" + gpt + "\" }\n}\n");
        CliRun r = CliRun.of("sweep", "-c", spec.toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("sweep.downstream").contains("no-such-key");
        assertThat(r.out()).isEmpty();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    private static long classes(Path cell) {
        return JsonLines.readObject(cell.resolve("gpt/metrics.json"))
                .orElseThrow()
                .get("classes")
                .getAsLong();
    }
}
