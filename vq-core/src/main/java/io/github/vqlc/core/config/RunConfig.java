package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * The {@code run} section: where a run writes and how it is seeded.
 *
 * @param device {@code auto} (GPU when present), {@code cpu} or {@code gpu}
 */
public record RunConfig(String name, Path dir, long seed, String device) {

    static RunConfig from(Config c) {
        Values v = new Values(c, "run");
        return new RunConfig(
                v.string("name"),
                Path.of(v.string("dir")),
                v.longValue("seed"),
                v.oneOf("device", "auto", "cpu", "gpu"));
    }
}
