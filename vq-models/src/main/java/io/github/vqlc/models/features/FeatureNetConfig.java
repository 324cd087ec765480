package io.github.vqlc.models.features;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import java.nio.file.Path;

/**
 * The {@code features} section: how {@code vqlc features train} trains the feature network.
 *
 * @param dir where the trained network is written ({@code feature-net.params}, {@code feature-net.json})
 * @param width channels of the first stage (patch features 4 x width, global features 8 x width)
 * @param depth conv3 layers per stage
 * @param evalLimit test images used for the reported accuracy, 0 = the whole test split
 */
public record FeatureNetConfig(
        Path dir,
        int width,
        int depth,
        int steps,
        int batchSize,
        double lr,
        double minLr,
        int warmupSteps,
        int logEvery,
        int evalLimit) {

    /** Reads the {@code features} section (declared in vq-models' reference.conf). */
    public static FeatureNetConfig from(Config section) {
        Values v = new Values(section, "features");
        return new FeatureNetConfig(
                v.path("dir"),
                v.intIn("width", 1, 1024),
                v.intIn("depth", 1, 16),
                v.intAtLeast("steps", 1),
                v.intAtLeast("batch-size", 2),
                v.positive("lr"),
                v.doubleIn("min-lr", 0, 1),
                v.intAtLeast("warmup-steps", 0),
                v.intAtLeast("log-every", 1),
                v.intAtLeast("eval-limit", 0));
    }
}
