package io.github.vqlc.experiments.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ImageGrid;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.Devices;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.gpt.GptSpec;
import io.github.vqlc.models.gpt.ImageGenerator;
import io.github.vqlc.models.gpt.SamplingOptions;
import io.github.vqlc.models.gpt.TokenGpt;
import io.github.vqlc.models.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A GPT run directory: {@code config.conf}, {@code gpt.json} (the model shape and the tokenizer
 * run it belongs to, written before training so {@code generate} needs neither the tokens file
 * nor its header), {@code log.jsonl}, {@code checkpoints/}, {@code samples/}, {@code metrics.json}.
 */
public final class GptRun {

    static final String SPEC_FILE = "gpt.json";

    private GptRun() {}

    static void writeSpec(Path runDir, GptSpec s, Path tokenizerDir) {
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
        o.addProperty("tokenizer", tokenizerDir.toAbsolutePath().normalize().toString());
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
        Path specFile = runDir.resolve(SPEC_FILE);
        if (!Files.isRegularFile(specFile)) {
            throw new UserException(
                    runDir + " is not a GPT run directory (no " + SPEC_FILE + "; train one with `vqlc gpt train`)");
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(specFile)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new UserException("cannot read " + specFile + ": " + e.getMessage(), e);
        }
        GptSpec spec = new GptSpec(
                o.get("vocab_size").getAsInt(),
                o.get("grid_height").getAsInt(),
                o.get("grid_width").getAsInt(),
                o.get("classes").getAsInt(),
                o.get("layers").getAsInt(),
                o.get("width").getAsInt(),
                o.get("heads").getAsInt(),
                o.get("dropout").getAsDouble());
        Checkpoints checkpoints = new Checkpoints(runDir.resolve("checkpoints"), Integer.MAX_VALUE);
        var newest = checkpoints
                .newest()
                .orElseThrow(() -> new UserException(
                        "no complete checkpoint in " + runDir.resolve("checkpoints") + "; train the GPT first"));
        NDManager manager =
                NDManager.newBaseManager(Devices.resolve(config.run().device()));
        Engine.getInstance().setRandomSeed((int) config.run().seed());
        TokenGpt model = new TokenGpt(spec);
        model.initialize(manager);
        checkpoints.load(newest, model, null, manager);
        return new Loaded(
                config, gpt, model, manager, Path.of(o.get("tokenizer").getAsString()), newest);
    }

    /**
     * The generator of a trained GPT and its tokenizer: images batch by batch through
     * {@link ImageGenerator#generate}.
     */
    public static ImageGenerator generator(Loaded gpt, SamplingOptions options) {
        return generator(gpt.model(), tokenizer(gpt.tokenizerDir()), options);
    }

    /** {@code model} decoding through {@code tokenizer}. */
    static ImageGenerator generator(TokenGpt model, TrainedRun tokenizer, SamplingOptions options) {
        return new ImageGenerator(model, tokenizer.model(), tokenizer.manager(), options);
    }

    /** The tokenizer run of {@code tokenizerDir} with its newest checkpoint loaded. */
    static TrainedRun tokenizer(Path tokenizerDir) {
        if (!Files.isRegularFile(tokenizerDir.resolve("config.conf"))) {
            throw new UserException(
                    "the GPT's tokenizer " + tokenizerDir + " is not a tokenizer run directory (no config.conf);"
                            + " gpt.tokenizer must name the run that wrote the tokens file");
        }
        return TrainedRun.open(tokenizerDir, List.of());
    }

    /** Writes one grid of {@code perClass} samples for each of up to 10 classes (one row per class) to {@code file}. */
    static void writeSampleGrid(ImageGenerator generator, Path file, int perClass, int batchSize, long seed) {
        GptSpec s = generator.spec();
        int rows = s.classes() == 0 ? 1 : Math.min(10, s.classes());
        int[] classes = new int[rows];
        for (int i = 0; i < rows; i++) {
            classes[i] = s.classes() == 0 ? 0 : i;
        }
        try (NDManager keep = NDManager.newBaseManager()) {
            List<NDArray> parts = new ArrayList<>();
            generator.generate(
                    classes, perClass, batchSize, seed, (images, labels) -> parts.add(keepCopy(images, keep)));
            NDArray all = NDArrays.concat(new NDList(parts), 0);
            List<NDArray> grid = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                grid.add(all.get("{}:{}", r * perClass, (r + 1) * perClass));
            }
            ImageGrid.write(file, grid);
        }
    }

    /** A host copy of {@code images} owned by {@code keep}. */
    static NDArray keepCopy(NDArray images, NDManager keep) {
        NDArray copy = keep.create(images.toFloatArray(), images.getShape());
        return copy;
    }
}
