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
import io.github.vqlc.core.io.LatentsFile;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.DownstreamOptions;
import io.github.vqlc.experiments.sweep.spec.DownstreamOptions.Kind;
import io.github.vqlc.experiments.tasks.DiffusionTraining;
import io.github.vqlc.experiments.tasks.Generation;
import io.github.vqlc.experiments.tasks.GptTraining;
import io.github.vqlc.experiments.tasks.LatentExtraction;
import io.github.vqlc.experiments.tasks.Tokenization;
import io.github.vqlc.models.diffusion.DiffusionConfig;
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
import java.util.function.Consumer;

/**
 * The downstream stage of a sweep cell (see {@link DownstreamOptions}).
 *
 * <p>{@code kind = gpt}: {@code tokens-train.vqt} in the cell, a GPT in {@code <cell>/gpt}, then
 * generation with gFID; the figures copied into the cell's metrics.json are gfid, gfid_images,
 * gfid_reference_images, sampling_temperature, sampling_top_k, sampling_top_p, gpt_final_loss,
 * gpt_parameters, gpt_token_corruption; marker {@code downstream-done}.
 *
 * <p>{@code kind = sit}: {@code latents-train.npy} in the cell, a diffusion transformer in {@code
 * <cell>/sit}, then generation with gFID; copied as sit_gfid, sit_gfid_images,
 * sit_gfid_reference_images, sit_sampling_method, sit_sampling_steps, sit_sampling_guidance,
 * sit_sampling_guided_channels, sit_final_loss, sit_parameters; marker {@code downstream-sit-done}.
 *
 * <p>A model crashed mid-training continues from its checkpoint; one already trained to its steps
 * is only sampled. The marker is written last.
 */
final class DownstreamStage {

    static final String DONE = Kind.GPT.marker();
    static final String SIT_DONE = Kind.SIT.marker();

    private DownstreamStage() {}

    static boolean finished(Path cellDir, Kind kind) {
        return Files.isRegularFile(cellDir.resolve(kind.marker()));
    }

    /** The cell's file the kind's model trains on: its tokens or its latents of the training split. */
    private static Path trainingFile(Kind kind, Path cellDir) {
        return kind == Kind.GPT
                ? Tokenization.defaultOutput(cellDir, Split.TRAIN)
                : LatentExtraction.defaultOutput(cellDir, Split.TRAIN);
    }

    /**
     * The downstream model's config for the cell: the kind's config file, the overrides, and the
     * cell's training file (tokens or latents), tokenizer, directory and seed.
     */
    static ExperimentConfig modelConfig(DownstreamOptions d, Cell cell, ExperimentConfig tokenizer) {
        Path dir = tokenizer.run().dir();
        String section = d.kind().section();
        Config cellLayer = ConfigFactory.empty()
                .withValue(
                        section + "." + d.kind().dataKey(),
                        ConfigValueFactory.fromAnyRef(
                                trainingFile(d.kind(), dir).toString()))
                .withValue(section + ".tokenizer", ConfigValueFactory.fromAnyRef(dir.toString()))
                .withValue(
                        "run.dir",
                        ConfigValueFactory.fromAnyRef(dir.resolve(d.kind().id()).toString()))
                .withValue(
                        "run.name",
                        ConfigValueFactory.fromAnyRef(
                                cell.name() + "-" + d.kind().id()))
                .withValue("run.seed", ConfigValueFactory.fromAnyRef(cell.seed()))
                .withValue(
                        "run.device",
                        ConfigValueFactory.fromAnyRef(tokenizer.run().device()));
        return ExperimentConfig.load(
                null,
                cellLayer.withFallback(d.overrides()).withFallback(ConfigLoader.parseFile(d.modelConfig())),
                List.of());
    }

    /**
     * Everything about the stage that can be checked before the cell trains: the model config and
     * its values, a GPT's vocabulary against the cell's codebook size, an FID extractor for gFID.
     */
    static void check(DownstreamOptions d, Cell cell, ExperimentConfig tokenizer) {
        ExperimentConfig model = modelConfig(d, cell, tokenizer);
        if (d.kind() == Kind.GPT) {
            GptConfig g = model.gpt();
            int k = tokenizer.quantizer().codebookSize();
            if (g.vocabSize() != 0 && g.vocabSize() != k) {
                throw new UserException("gpt.vocab-size = " + g.vocabSize() + " but the cell's codebook has " + k
                        + " codes; set sweep.downstream.overrides.gpt.vocab-size = 0 (from the tokens)");
            }
        }
        if (!tokenizer.eval().hasFidExtractor()) {
            throw new UserException("gFID needs the cell's eval.fid.extractor, but its type is none");
        }
    }

    /** Removes what previous stages left (a cell that trains again makes its tokens, latents, models and gFIDs stale). */
    static void invalidate(Path cellDir) {
        Path metrics = cellDir.resolve("metrics.json");
        JsonLines.readObject(metrics).ifPresent(m -> {
            if (m.keySet().removeIf(k -> k.startsWith("gfid") || k.startsWith("gpt_") || k.startsWith("sit_"))) {
                AtomicFiles.writeString(metrics, m + "\n");
            }
        });
        try {
            for (Kind kind : Kind.values()) {
                Files.deleteIfExists(cellDir.resolve(kind.marker()));
                AtomicFiles.deleteRecursively(cellDir.resolve(kind.id()));
            }
            Files.deleteIfExists(Tokenization.defaultOutput(cellDir, Split.TRAIN));
            Path latents = LatentExtraction.defaultOutput(cellDir, Split.TRAIN);
            Files.deleteIfExists(latents);
            Files.deleteIfExists(LatentsFile.labelsBeside(latents));
            Files.deleteIfExists(LatentsFile.infoBeside(latents));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot clear the downstream stage of " + cellDir + ": " + e.getMessage(), e);
        }
    }

    static void run(DownstreamOptions d, Cell cell, ExperimentConfig tokenizer, PrintStream out) {
        Path dir = tokenizer.run().dir();
        ExperimentConfig model = modelConfig(d, cell, tokenizer);
        Path data = trainingFile(d.kind(), dir);
        if (!Files.isRegularFile(data)) {
            try (TrainedRun t = TrainedRun.load(tokenizer)) {
                if (d.kind() == Kind.GPT) {
                    Tokenization.run(t, Split.TRAIN, 0, data, out);
                } else {
                    LatentExtraction.run(t, Split.TRAIN, 0, data, out);
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> generated = d.kind() == Kind.GPT
                ? trainGptAndGenerate(d, cell, model, m, out)
                : trainSitAndGenerate(d, cell, model, m, out);
        String prefix = d.kind().metricPrefix();
        copy(generated, m, prefix, "gfid", "gfid_images", "gfid_reference_images");
        new RunDirectory(dir).updateMetrics(m);
        JsonObject marker = new JsonObject();
        marker.addProperty("gfid", (Number) generated.get("gfid"));
        marker.addProperty("finished", Instant.now().toString());
        AtomicFiles.writeString(dir.resolve(d.kind().marker()), marker + "\n");
    }

    /** Trains (or resumes) the cell's GPT, generates with gFID; its own metrics go into {@code m}. */
    private static Map<String, Object> trainGptAndGenerate(
            DownstreamOptions d, Cell cell, ExperimentConfig model, Map<String, Object> m, PrintStream out) {
        Path modelDir = model.run().dir();
        GptConfig g = model.gpt();
        trainUnlessTrained(modelDir, g.steps(), "GPT", resume -> new GptTraining(model).run(resume, out), out);
        Map<String, Object> generated = Generation.run(
                modelDir,
                new Generation.Request(
                        d.count(), null, g.sampling(), null, cell.seed(), g.sampleBatchSize(), null, true),
                out);
        copy(generated, m, "", "sampling_temperature", "sampling_top_k", "sampling_top_p");
        JsonLines.readObject(modelDir.resolve("metrics.json")).ifPresent(gpt -> {
            m.put("gpt_final_loss", number(gpt, "final_loss"));
            m.put("gpt_parameters", number(gpt, "parameters"));
            m.put("gpt_token_corruption", number(gpt, "token_corruption"));
        });
        return generated;
    }

    /** Trains (or resumes) the cell's diffusion transformer, generates with gFID; its own metrics go into {@code m}. */
    private static Map<String, Object> trainSitAndGenerate(
            DownstreamOptions d, Cell cell, ExperimentConfig model, Map<String, Object> m, PrintStream out) {
        Path modelDir = model.run().dir();
        DiffusionConfig s = model.diffusion();
        trainUnlessTrained(
                modelDir, s.steps(), "diffusion model", resume -> new DiffusionTraining(model).run(resume, out), out);
        Map<String, Object> generated = Generation.run(
                modelDir,
                new Generation.Request(
                        d.count(),
                        null,
                        null,
                        s.sampling(),
                        cell.seed(),
                        s.sampling().batchSize(),
                        null,
                        true),
                out);
        copy(generated, m, "sit_", "sampling_method", "sampling_steps", "sampling_guidance");
        copy(generated, m, "sit_", "sampling_guided_channels");
        JsonLines.readObject(modelDir.resolve("metrics.json")).ifPresent(sit -> {
            m.put("sit_final_loss", number(sit, "final_loss"));
            m.put("sit_parameters", number(sit, "parameters"));
        });
        return generated;
    }

    /** Trains the model in {@code modelDir} unless its metrics say it reached {@code steps}; a crashed one resumes. */
    private static void trainUnlessTrained(
            Path modelDir, int steps, String what, Consumer<Boolean> train, PrintStream out) {
        if (CellState.metricsSteps(modelDir).orElse(-1) == steps) {
            out.println("the " + what + " in " + modelDir + " is trained (" + steps + " steps): generating only");
        } else {
            // resume needs the directory to exist
            train.accept(Files.isDirectory(modelDir));
        }
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, String prefix, String... keys) {
        for (String key : keys) {
            to.put(prefix + key, from.get(key));
        }
    }

    private static Number number(JsonObject o, String key) {
        return o.has(key) ? o.get(key).getAsNumber() : null;
    }
}
