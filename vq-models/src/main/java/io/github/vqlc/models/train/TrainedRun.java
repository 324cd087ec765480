package io.github.vqlc.models.train;

import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ConfigLoader;
import io.github.vqlc.core.config.ExperimentConfig;
import io.github.vqlc.core.spi.QuantizerRegistry;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.models.vqgan.VqAutoencoders;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A finished (or interrupted) training run read back from its directory: the model its {@code
 * config.conf} describes, with the parameters of its newest complete checkpoint.
 *
 * @param config the run's resolved configuration
 * @param model the autoencoder, parameters loaded, in the manager given to {@link #load}
 * @param checkpoint the checkpoint loaded
 */
public record TrainedRun(ExperimentConfig config, VqAutoencoder model, Checkpoints.Checkpoint checkpoint) {

    /** Loads {@code runDir}; a missing config or checkpoint is a user error naming the directory. */
    public static TrainedRun load(Path runDir, NDManager manager, QuantizerRegistry registry) {
        Path conf = runDir.resolve("config.conf");
        if (!Files.isRegularFile(conf)) {
            throw new UserException(
                    runDir + " is not a run directory (no config.conf); train one with: bin/vqlc train -c <config>");
        }
        ExperimentConfig config = ConfigLoader.load(conf, java.util.List.of());
        Checkpoints checkpoints = new Checkpoints(runDir.resolve("checkpoints"), Integer.MAX_VALUE);
        Checkpoints.Checkpoint newest = checkpoints
                .newest()
                .orElseThrow(() -> new UserException(
                        "no complete checkpoint in " + runDir.resolve("checkpoints") + "; train the run first"));
        VqAutoencoder model = VqAutoencoders.create(config, VqAutoencoders.quantizer(config, registry), manager);
        checkpoints.load(newest, model, null, manager);
        return new TrainedRun(config, model, newest);
    }
}
