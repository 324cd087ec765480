package io.github.vqlc.experiments.run;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import java.nio.file.Path;

/**
 * The {@code run} section (declared in vq-experiments' reference.conf): where a command writes
 * and how it is seeded.
 *
 * @param name the run's name, shown in metrics.json and tables
 * @param dir the run directory (default {@code runs/<name>}), relative to the working directory
 * @param seed seeds initialization, data order and sampling
 * @param device {@code auto} (GPU when present), {@code cpu} or {@code gpu}
 */
public record RunConfig(String name, Path dir, long seed, String device) {

    /** Reads the {@code run} section. */
    public static RunConfig from(Config section) {
        Values v = new Values(section, "run");
        return new RunConfig(
                v.string("name"), v.path("dir"), v.longValue("seed"), v.oneOf("device", "auto", "cpu", "gpu"));
    }
}
