package io.github.vqlc.experiments.run;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.gpt.GptSpec;
import io.github.vqlc.models.gpt.TokenGpt;
import io.github.vqlc.models.train.Checkpoints;
import java.nio.file.Path;
import java.util.List;

/**
 * A GPT run directory: {@code config.conf}, {@code gpt.json} (the model shape and the tokenizer
 * run it belongs to, written before training so {@code generate} needs neither the tokens file
 * nor its header), {@code log.jsonl}, {@code checkpoints/}, {@code samples/}, {@code metrics.json}.
 */
public final class GptRun {

    /** The file holding the model shape and its tokenizer. */
    public static final String SPEC_FILE = "gpt.json";

    private GptRun() {}

    /**
     * Writes {@code gpt.json}: the model shape and the tokenizer run it belongs to, named relative to
     * {@code runDir} (so the pair can move together), with the digest of the tokenizer weights it
     * was trained on when the tokenizer was loaded.
     *
     * @param tokenizer the loaded tokenizer run, or null when training without one
     */
    public static void writeSpec(Path runDir, GptSpec s, Path tokenizerDir, TrainedRun tokenizer) {
        JsonObject o = new JsonObject();
        o.addProperty("vocab_size", s.vocabSize());
        o.addProperty("grid_height", s.gridHeight());
        o.addProperty("grid_width", s.gridWidth());
        o.addProperty("classes", s.classes());
        o.addProperty("layers", s.layers());
        o.addProperty("width", s.width());
        o.addProperty("heads", s.heads());
        o.addProperty("dropout", s.dropout());
        o.addProperty("parameters", s.parameterCount());
        o.addProperty("tokenizer", Provenance.relative(runDir, tokenizerDir));
        if (tokenizer != null) {
            o.addProperty("tokenizer_weights_sha256", tokenizer.weightsDigest().substring(0, ContentHash.SHORT));
        }
        JsonLines.writeJson(runDir.resolve(SPEC_FILE), o);
    }

    /** A trained GPT: its spec, the model with the newest checkpoint loaded, and its tokenizer's run directory. */
    public record Loaded(
            ExperimentConfig config,
            GptConfig gpt,
            TokenGpt model,
            NDManager manager,
            Path tokenizerDir,
            Checkpoints.Checkpoint checkpoint) {}

    /** Loads the GPT of {@code runDir} (newest checkpoint) onto the run's device. */
    public static Loaded load(Path runDir) {
        ExperimentConfig config = TrainedRun.config(runDir, List.of());
        GptConfig gpt = config.gpt();
        JsonObject o = DownstreamRuns.readSpec(runDir, SPEC_FILE, "a GPT", "vqlc gpt train");
        GptSpec spec = new GptSpec(
                o.get("vocab_size").getAsInt(),
                o.get("grid_height").getAsInt(),
                o.get("grid_width").getAsInt(),
                o.get("classes").getAsInt(),
                o.get("layers").getAsInt(),
                o.get("width").getAsInt(),
                o.get("heads").getAsInt(),
                o.get("dropout").getAsDouble());
        Checkpoints checkpoints = DownstreamRuns.checkpoints(runDir);
        Checkpoints.Checkpoint newest = DownstreamRuns.newest(checkpoints, runDir, "the GPT");
        NDManager manager = DownstreamRuns.managerFor(config);
        TokenGpt model = new TokenGpt(spec);
        model.initialize(manager);
        checkpoints.load(newest, model, null, manager);
        return new Loaded(
                config,
                gpt,
                model,
                manager,
                runDir.resolve(o.get("tokenizer").getAsString()).normalize(),
                newest);
    }
}
