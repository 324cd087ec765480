package io.github.vqlc.core.config;

import com.typesafe.config.Config;

/**
 * The {@code eval} section.
 *
 * @param split {@code train} or {@code test}: the split utilization and reconstruction metrics cover
 * @param limit images to evaluate (0 = the whole split)
 */
public record EvalConfig(String split, int limit, int batchSize) {

    static EvalConfig from(Config c) {
        Values v = new Values(c, "eval");
        return new EvalConfig(v.oneOf("split", "train", "test"), v.intAtLeast("limit", 0), v.intAtLeast("batch-size", 1));
    }
}
