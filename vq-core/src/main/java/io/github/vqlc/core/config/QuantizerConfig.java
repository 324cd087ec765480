package io.github.vqlc.core.config;

import com.typesafe.config.Config;

/**
 * The {@code quantizer} section: the common keys, plus the resolved section the factory reads
 * (the user's keys over {@code quantizer-types.<type>} defaults).
 */
public record QuantizerConfig(String type, int codebookSize, Config section) {

    static QuantizerConfig from(Config root) {
        Config section = TypedSection.QUANTIZER.resolve(root).orElseThrow();
        Values v = new Values(section, "quantizer");
        return new QuantizerConfig(section.getString("type"), v.intIn("codebook-size", 2, 10_000_000), section);
    }
}
