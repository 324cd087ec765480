package io.github.vqlc.experiments.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.core.io.LatentsFile;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.DiffusionTrainer;
import io.github.vqlc.models.diffusion.DiffusionTransformer;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.train.WeightEma;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A diffusion run directory: {@code config.conf}, {@code diffusion.json} (the model shape, the
 * tokenizer run and latents it belongs to, and the per-channel statistics the latents were
 * standardized with, written before training so {@code generate} needs neither the latents nor
 * their sidecar), {@code log.jsonl}, {@code checkpoints/}, {@code samples/}, {@code metrics.json}.
 */
public final class DiffusionRun {

    /** The file holding the model shape, its tokenizer and the latent statistics. */
    public static final String SPEC_FILE = "diffusion.json";

    private DiffusionRun() {}

    /** Whether {@code runDir} holds a diffusion run. */
    public static boolean isRun(Path runDir) {
        return Files.isRegularFile(runDir.resolve(SPEC_FILE));
    }

    /**
     * Writes {@code diffusion.json}: the model shape, the tokenizer run and latents file it belongs
     * to (relative to {@code runDir}), the statistics used when {@code normalize}, and the digest of
     * the tokenizer weights.
     */
    public static void writeSpec(
            Path runDir,
            DiffusionTransformer model,
            Path tokenizerDir,
            TrainedRun tokenizer,
            LatentsFile latents,
            boolean normalize) {
        DiffusionTransformer.Spec s = model.spec();
        JsonObject o = new JsonObject();
        o.addProperty("channels", s.channels());
        o.addProperty("grid", s.grid());
        o.addProperty("patch", s.patch());
        o.addProperty("width", s.width());
        o.addProperty("depth", s.depth());
        o.addProperty("heads", s.heads());
        o.addProperty("classes", s.classes());
        o.addProperty("parameters", model.parameterCount());
        o.addProperty("tokenizer", Provenance.relative(runDir, tokenizerDir));
        if (tokenizer != null) {
            o.addProperty("tokenizer_weights_sha256", tokenizer.weightsDigest().substring(0, ContentHash.SHORT));
        }
        o.addProperty("latents", Provenance.relative(runDir, latents.file()));
        o.addProperty("normalize", normalize);
        if (normalize) {
            o.add("mean", JsonLines.array(latents.mean()));
            o.add("std", JsonLines.array(latents.std()));
        }
        JsonLines.writeJson(runDir.resolve(SPEC_FILE), o);
    }

    /**
     * A trained diffusion model with the weights sampling uses (the EMA when the run kept one), its
     * tokenizer's run directory and the statistics to undo (null = raw latents).
     */
    public record Loaded(
            ExperimentConfig config,
            DiffusionConfig diffusion,
            DiffusionTransformer model,
            NDManager manager,
            Path tokenizerDir,
            Checkpoints.Checkpoint checkpoint,
            boolean ema,
            float[] mean,
            float[] std) {}

    /** Loads the diffusion model of {@code runDir} (newest checkpoint, EMA weights if kept) onto the run's device. */
    public static Loaded load(Path runDir) {
        ExperimentConfig config = TrainedRun.config(runDir, List.of());
        JsonObject o = DownstreamRuns.readSpec(runDir, SPEC_FILE, "a diffusion", "vqlc diffusion train");
        DiffusionTransformer.Spec spec = new DiffusionTransformer.Spec(
                o.get("channels").getAsInt(),
                o.get("grid").getAsInt(),
                o.get("patch").getAsInt(),
                o.get("width").getAsInt(),
                o.get("depth").getAsInt(),
                o.get("heads").getAsInt(),
                o.get("classes").getAsInt());
        Checkpoints checkpoints = DownstreamRuns.checkpoints(runDir);
        Checkpoints.Checkpoint newest = DownstreamRuns.newest(checkpoints, runDir, "the diffusion model");
        NDManager manager = DownstreamRuns.managerFor(config);
        DiffusionTransformer model = new DiffusionTransformer(spec);
        initialize(model, manager);
        checkpoints.load(newest, model, null, manager);
        boolean ema;
        try (NDManager scratch = manager.newSubManager()) {
            var saved = Checkpoints.readArrays(newest, DiffusionTrainer.EMA, scratch);
            saved.ifPresent(arrays -> WeightEma.load(model, arrays));
            ema = saved.isPresent();
        }
        boolean normalize = o.get("normalize").getAsBoolean();
        return new Loaded(
                config,
                config.diffusion(),
                model,
                manager,
                runDir.resolve(o.get("tokenizer").getAsString()).normalize(),
                newest,
                ema,
                normalize ? JsonLines.floats(o.getAsJsonArray("mean")) : null,
                normalize ? JsonLines.floats(o.getAsJsonArray("std")) : null);
    }

    /** Initializes {@code model}'s parameters for batches of its latents. */
    public static void initialize(DiffusionTransformer model, NDManager manager) {
        DiffusionTransformer.Spec s = model.spec();
        model.initialize(
                manager, DataType.FLOAT32, new Shape(1, s.channels(), s.grid(), s.grid()), new Shape(1), new Shape(1));
    }
}
