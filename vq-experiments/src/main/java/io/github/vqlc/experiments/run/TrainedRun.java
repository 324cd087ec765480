package io.github.vqlc.experiments.run;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.train.WeightEma;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A trained tokenizer rebuilt from its run directory: the resolved config, the Guice injector
 * built from it, and the model with the newest complete checkpoint loaded, with the run's weight
 * averages when it trained with weight EMA. The one way a run is read back: {@code eval}, {@code
 * tokenize}, {@code generate}, the GPT and the {@code encoder} feature extractor all see the same
 * weights.
 *
 * @param usesEmaWeights whether the model holds the checkpoint's EMA weights ({@code ema.ndlist})
 */
public record TrainedRun(
        ExperimentConfig config,
        Injector injector,
        VqAutoencoder model,
        Checkpoints.Checkpoint checkpoint,
        boolean usesEmaWeights)
        implements AutoCloseable {

    /** Reads {@code runDir/config.conf} with {@code run.dir} pointing at {@code runDir}, plus {@code overrides}. */
    public static ExperimentConfig config(Path runDir, List<String> overrides) {
        Path conf = runDir.resolve("config.conf");
        if (!Files.isRegularFile(conf)) {
            throw new UserException(runDir + " is not a run directory (no config.conf)");
        }
        List<String> all = new ArrayList<>();
        all.add("train.devices=[]"); // a trained run loads on run.device, wherever its replicas trained
        all.addAll(overrides);
        all.add("run.dir=\"" + runDir.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        return ExperimentConfig.loadWritten(conf, all);
    }

    /** The run in {@code runDir} with its newest checkpoint loaded. */
    public static TrainedRun open(Path runDir, List<String> overrides) {
        return load(config(runDir, overrides));
    }

    /**
     * The tokenizer a downstream model (GPT, diffusion) names with {@code setting} ({@code
     * gpt.tokenizer}, {@code diffusion.tokenizer}), its newest checkpoint loaded; a user error when
     * {@code dir} is not a run directory.
     */
    public static TrainedRun tokenizer(Path dir, String setting) {
        if (!Files.isRegularFile(dir.resolve("config.conf"))) {
            throw new UserException("the tokenizer " + dir + " is not a tokenizer run directory (no config.conf); "
                    + setting + " must name the run that wrote the file it trains on");
        }
        return open(dir, List.of());
    }

    /** The run {@code config} describes, with its newest checkpoint loaded; {@code overrides} replace Guice bindings (tests). */
    public static TrainedRun load(ExperimentConfig config, Module... overrides) {
        Path dir = config.run().dir();
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints"), Integer.MAX_VALUE);
        var newest = checkpoints
                .newest()
                .orElseThrow(() -> new UserException(
                        "no complete checkpoint in " + dir.resolve("checkpoints") + "; train the run first"));
        Injector injector = ExperimentModule.injector(config, overrides);
        NDManager manager = injector.getInstance(NDManager.class);
        try {
            VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
            checkpoints.load(newest, model, null, manager);
            boolean ema = false;
            if (config.train().emaDecay() > 0) { // an EMA run is evaluated and used with its averaged weights
                try (NDManager scratch = manager.newSubManager()) {
                    Optional<NDList> saved = Checkpoints.readArrays(newest, "ema", scratch);
                    saved.ifPresent(arrays -> WeightEma.load(model, arrays));
                    ema = saved.isPresent();
                }
            }
            return new TrainedRun(config, injector, model, newest, ema);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * SHA-256 of the weights this run's model holds: its checkpoint's {@code model.params}, and
     * the {@code ema.ndlist} averages put into it when the run trained with weight EMA.
     */
    public String weightsDigest() {
        String params = ContentHash.of(checkpoint.dir().resolve("model.params"));
        return usesEmaWeights
                ? ContentHash.of(params, ContentHash.of(checkpoint.dir().resolve("ema.ndlist")))
                : params;
    }

    /** The manager holding the model's parameters (on the run's device). */
    public NDManager manager() {
        return injector.getInstance(NDManager.class);
    }

    /** Frees the model's memory (the injector's manager); the run is unusable afterwards. */
    @Override
    public void close() {
        manager().close();
    }
}
