package io.github.vqlc.experiments.sweep.execution;

import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ConfigLoader;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.DownstreamOptions;
import io.github.vqlc.experiments.tasks.Generation;
import io.github.vqlc.experiments.tasks.GptTraining;
import io.github.vqlc.experiments.tasks.Tokenization;
import io.github.vqlc.models.gpt.GptConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The downstream stage of a sweep cell (see {@link DownstreamOptions}): {@code tokens-train.vqt}
 * in the cell, a GPT in {@code <cell>/gpt} (resumed from its checkpoint after a crash), then
 * generation with gFID (a GPT already trained to {@code gpt.steps} is only sampled); the GPT's figures are copied into the cell's metrics.json (gfid,
 * gfid_images, sampling_temperature, sampling_top_k, sampling_top_p, gpt_final_loss, gpt_parameters,
 * gpt_token_corruption) and the {@code downstream-done} marker is written last.
 */
final class DownstreamStage {

    static final String DONE = "downstream-done";

    private DownstreamStage() {}

    static boolean finished(Path cellDir) {
        return Files.isRegularFile(cellDir.resolve(DONE));
    }

    /** The GPT config of the cell: the downstream GPT file, its overrides, and the cell's tokens, directory and seed. */
    static ExperimentConfig gptConfig(DownstreamOptions d, Cell cell, ExperimentConfig tokenizer) {
        Path dir = tokenizer.run().dir();
        Config cellLayer = ConfigFactory.empty()
                .withValue(
                        "gpt.tokens",
                        ConfigValueFactory.fromAnyRef(
                                Tokenization.defaultOutput(dir, Split.TRAIN).toString()))
                .withValue("gpt.tokenizer", ConfigValueFactory.fromAnyRef(dir.toString()))
                .withValue(
                        "run.dir",
                        ConfigValueFactory.fromAnyRef(dir.resolve("gpt").toString()))
                .withValue("run.name", ConfigValueFactory.fromAnyRef(cell.name() + "-gpt"))
                .withValue("run.seed", ConfigValueFactory.fromAnyRef(cell.seed()))
                .withValue(
                        "run.device",
                        ConfigValueFactory.fromAnyRef(tokenizer.run().device()));
        return ExperimentConfig.load(
                null, cellLayer.withFallback(d.overrides()).withFallback(ConfigLoader.parseFile(d.gpt())), List.of());
    }

    /**
     * Everything about the stage that can be checked before the cell trains: the GPT config and its
     * values, its vocabulary against the cell's codebook size, an FID extractor for gFID.
     */
    static void check(DownstreamOptions d, Cell cell, ExperimentConfig tokenizer) {
        GptConfig g = gptConfig(d, cell, tokenizer).gpt();
        int k = tokenizer.quantizer().codebookSize();
        if (g.vocabSize() != 0 && g.vocabSize() != k) {
            throw new UserException("gpt.vocab-size = " + g.vocabSize() + " but the cell's codebook has " + k
                    + " codes; set sweep.downstream.overrides.gpt.vocab-size = 0 (from the tokens)");
        }
        if (!tokenizer.eval().hasFidExtractor()) {
            throw new UserException("gFID needs the cell's eval.fid.extractor, but its type is none");
        }
    }

    /** Removes what a previous stage left (a cell that trains again makes its tokens, GPT and gFID stale). */
    static void invalidate(Path cellDir) {
        Path metrics = cellDir.resolve("metrics.json");
        JsonLines.readObject(metrics).ifPresent(m -> {
            if (m.keySet().removeIf(k -> k.startsWith("gfid") || k.startsWith("gpt_"))) {
                AtomicFiles.writeString(metrics, m + "\n");
            }
        });
        try {
            Files.deleteIfExists(cellDir.resolve(DONE));
            Files.deleteIfExists(Tokenization.defaultOutput(cellDir, Split.TRAIN));
            AtomicFiles.deleteRecursively(cellDir.resolve("gpt"));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot clear the downstream stage of " + cellDir + ": " + e.getMessage(), e);
        }
    }

    static void run(DownstreamOptions d, Cell cell, ExperimentConfig tokenizer, PrintStream out) {
        Path dir = tokenizer.run().dir();
        ExperimentConfig gptConfig = gptConfig(d, cell, tokenizer);
        Path tokens = Tokenization.defaultOutput(dir, Split.TRAIN);
        if (!Files.isRegularFile(tokens)) {
            try (TrainedRun t = TrainedRun.load(tokenizer)) {
                Tokenization.run(t, Split.TRAIN, 0, tokens, out);
            }
        }
        GptConfig g = gptConfig.gpt();
        Path gptDir = gptConfig.run().dir();
        if (CellState.metricsSteps(gptDir).orElse(-1) == g.steps()) {
            out.println("the GPT in " + gptDir + " is trained (" + g.steps() + " steps): generating only");
        } else {
            // a crashed GPT continues from its newest checkpoint (resume needs the directory to exist)
            new GptTraining(gptConfig).run(Files.isDirectory(gptDir), out);
        }
        Map<String, Object> generated = Generation.run(
                gptDir,
                new Generation.Request(
                        d.count(), null, g.sampling(), null, cell.seed(), g.sampleBatchSize(), null, true),
                out);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of(
                "gfid",
                "gfid_images",
                "gfid_reference_images",
                "sampling_temperature",
                "sampling_top_k",
                "sampling_top_p")) {
            m.put(key, generated.get(key));
        }
        JsonLines.readObject(gptDir.resolve("metrics.json")).ifPresent(gpt -> {
            m.put(
                    "gpt_final_loss",
                    gpt.has("final_loss") ? gpt.get("final_loss").getAsDouble() : null);
            m.put(
                    "gpt_parameters",
                    gpt.has("parameters") ? gpt.get("parameters").getAsLong() : null);
            m.put(
                    "gpt_token_corruption",
                    gpt.has("token_corruption") ? gpt.get("token_corruption").getAsDouble() : null);
        });
        new RunDirectory(dir).updateMetrics(m);
        JsonObject marker = new JsonObject();
        marker.addProperty("gfid", (Number) generated.get("gfid"));
        marker.addProperty("finished", Instant.now().toString());
        AtomicFiles.writeString(dir.resolve(DONE), marker + "\n");
    }
}
