package io.github.vqlc.experiments.tasks;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.progress.Progress;
import io.github.vqlc.experiments.wiring.Devices;
import io.github.vqlc.models.features.FeatureNetConfig;
import io.github.vqlc.models.features.FeatureNetFiles;
import io.github.vqlc.models.features.FeatureNetTrainer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code vqlc features train}: trains the in-project feature network on the labels of the {@code
 * data} section's dataset and writes it into {@code features.dir}, with its test accuracy.
 */
public final class FeatureNetTraining {

    private final ExperimentConfig config;
    private final FeatureNetConfig features;

    public FeatureNetTraining(ExperimentConfig config) {
        this.config = config;
        this.features = config.features();
    }

    /** Returns the test accuracy. An existing network is replaced only when {@code force}. */
    public double run(boolean force, PrintStream out) {
        if (FeatureNetFiles.exists(features.dir()) && !force) {
            throw new UserException(
                    features.dir() + " already holds a trained feature network; pass --force to replace it"
                            + " or choose another directory with -o features.dir=<dir>");
        }
        long seed = config.run().seed();
        ImageDataset train = Datasets.open(config.data(), Split.TRAIN, seed);
        ImageDataset test = Datasets.open(config.data(), Split.TEST, seed);
        if (features.evalLimit() > 0) {
            test = Datasets.limit(test, features.evalLimit());
        }
        out.println("feature network -> " + features.dir());
        out.println("train: " + train.describe());
        try (NDManager manager =
                NDManager.newBaseManager(Devices.resolve(config.run().device()))) {
            Progress progress = new Progress(out, out == System.out && System.console() != null, features.logEvery());
            FeatureNetTrainer.Result r = new FeatureNetTrainer(features, manager, seed)
                    .observer(progress)
                    .train(train, test);
            JsonObject extra = new JsonObject();
            extra.addProperty("dataset", config.data().name());
            extra.addProperty("dataset_description", train.describe());
            extra.addProperty("test_images", test.size());
            extra.addProperty("test_accuracy", r.testAccuracy());
            extra.addProperty("steps", features.steps());
            extra.addProperty("batch_size", features.batchSize());
            extra.addProperty("lr", features.lr());
            extra.addProperty("seed", seed);
            extra.addProperty("train_seconds", r.trainSeconds());
            FeatureNetFiles.save(features.dir(), r.net(), extra);
            out.printf(
                    Locale.ROOT,
                    "trained in %.0f s; wrote %s%n",
                    r.trainSeconds(),
                    features.dir().resolve(FeatureNetFiles.DESCRIPTION));
            out.printf(Locale.ROOT, "test accuracy %.4f%n", r.testAccuracy());
            return r.testAccuracy();
        }
    }
}
