package io.github.vqlc.core.spi;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.TypedSection;
import io.github.vqlc.core.config.Values;
import java.util.Set;

/**
 * The {@code quantizer} section: the keys every quantizer has, plus the resolved section its
 * factory reads (the user's keys over {@code quantizer-types.<type>}, declared by the module
 * implementing the type).
 *
 * @param type a registered {@link QuantizerFactory#type()}
 * @param codebookSize K
 * @param section what {@link QuantizerFactory#create} reads
 */
public record QuantizerConfig(String type, int codebookSize, Config section) {

    /** Where the section lives. */
    public static final String PATH = "quantizer";

    /** Where each type declares its keys and defaults. */
    public static final String TYPES_ROOT = "quantizer-types";

    /** The section as the config loader checks it: its type must be one of {@code registry}'s. */
    public static TypedSection typedSection(Set<String> registeredTypes) {
        return new TypedSection(PATH, TYPES_ROOT, registeredTypes);
    }

    /** Reads the section of a resolved, checked config. */
    public static QuantizerConfig from(Config root) {
        Config section = typedSection(Set.of())
                .resolve(root)
                .orElseThrow(() -> new UserException("the config has no quantizer section"));
        Values v = new Values(section, PATH);
        return new QuantizerConfig(v.string("type"), v.intIn("codebook-size", 2, 10_000_000), section);
    }

    /** The configured quantizer, created by its factory in {@code registry}. */
    public Quantizer create(FactoryRegistry<QuantizerFactory> registry, QuantizerContext context) {
        return registry.get(type).create(section, context);
    }
}
