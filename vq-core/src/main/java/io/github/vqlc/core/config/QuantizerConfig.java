package io.github.vqlc.core.config;

import com.typesafe.config.Config;

/**
 * The {@code quantizer} section: the common keys, plus the resolved section the factory reads
 * (the user's keys over {@code quantizer-types.<type>} defaults).
 */
public record QuantizerConfig(String type, int codebookSize, Config section) {

    static QuantizerConfig from(Config root) {
        Config user = root.getConfig("quantizer");
        String type = user.getString("type");
        Config section = user;
        String typeDefaults = "quantizer-types." + com.typesafe.config.ConfigUtil.joinPath(type);
        if (root.hasPath(typeDefaults)) {
            section = user.withFallback(root.getConfig(typeDefaults));
        }
        Values v = new Values(user, "quantizer");
        return new QuantizerConfig(type, v.intIn("codebook-size", 2, 10_000_000), section);
    }
}
