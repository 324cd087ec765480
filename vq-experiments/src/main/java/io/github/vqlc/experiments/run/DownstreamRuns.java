package io.github.vqlc.experiments.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.Devices;
import io.github.vqlc.models.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What loading a GPT run and a diffusion run share: the spec file, the newest checkpoint, the manager. */
final class DownstreamRuns {

    private DownstreamRuns() {}

    /**
     * The JSON spec {@code specFile} of {@code runDir}; a directory without one, or an unreadable one,
     * is a user error naming the {@code kind} of run (e.g. "a GPT") and the command that trains one.
     */
    static JsonObject readSpec(Path runDir, String specFile, String kind, String trainCommand) {
        Path file = runDir.resolve(specFile);
        if (!Files.isRegularFile(file)) {
            throw new UserException(runDir + " is not " + kind + " run directory (no " + specFile + "; train one with `"
                    + trainCommand + "`)");
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Checkpoints checkpoints(Path runDir) {
        return new Checkpoints(runDir.resolve("checkpoints"), Integer.MAX_VALUE);
    }

    /** The newest complete checkpoint, or a user error saying {@code what} must be trained first. */
    static Checkpoints.Checkpoint newest(Checkpoints checkpoints, Path runDir, String what) {
        return checkpoints
                .newest()
                .orElseThrow(() -> new UserException(
                        "no complete checkpoint in " + runDir.resolve("checkpoints") + "; train " + what + " first"));
    }

    /** A manager on the run's device, with the engine seeded by the run's seed (the model is built next). */
    static NDManager managerFor(ExperimentConfig config) {
        NDManager manager =
                NDManager.newBaseManager(Devices.resolve(config.run().device()));
        Engine.getInstance().setRandomSeed((int) config.run().seed());
        return manager;
    }
}
