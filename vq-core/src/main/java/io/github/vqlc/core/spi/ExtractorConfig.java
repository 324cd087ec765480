package io.github.vqlc.core.spi;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.TypedSection;
import java.util.Optional;
import java.util.Set;

/**
 * A feature extractor section such as {@code codebook.extractor} or {@code eval.fid.extractor},
 * resolved: the user's block over {@code extractor-types.<type>}, where the module implementing
 * the type declares its keys. The package owning the section decides where it lives.
 *
 * @param path where the section lives, for messages (e.g. {@code codebook.extractor})
 * @param type the registered extractor type, e.g. {@code feature-net}
 * @param section what the factory reads
 */
public record ExtractorConfig(String path, String type, Config section) {

    /** Where each extractor type declares its keys and defaults. */
    public static final String TYPES_ROOT = "extractor-types";

    /** An extractor section at {@code path} as the config loader checks it. */
    public static TypedSection typedSection(String path, Set<String> knownTypes) {
        return new TypedSection(path, TYPES_ROOT, knownTypes);
    }

    /** The extractor section at {@code path} of a resolved config, if there is one. */
    public static Optional<ExtractorConfig> find(Config root, String path) {
        return typedSection(path, Set.of()).resolve(root).map(section -> {
            if (!section.hasPath(TypedSection.TYPE)
                    || section.getString(TypedSection.TYPE).isBlank()) {
                throw new UserException(path + ".type is not set; set it to a feature extractor type"
                        + " (feature-net, torchscript, patches, encoder, or one a plugin registers)");
            }
            return new ExtractorConfig(path, section.getString(TypedSection.TYPE), section);
        });
    }

    /** Like {@link #find} but a missing section is a user error naming it. */
    public static ExtractorConfig of(Config root, String path) {
        return find(root, path)
                .orElseThrow(() -> new UserException(
                        "the config has no " + path + " section; add one, e.g. " + path + " { type = feature-net }"));
    }

    /** Creates the extractor through {@code registry}; {@code context}'s section name is set to {@link #path}. */
    public FeatureExtractor create(FactoryRegistry<FeatureExtractorFactory> registry, FeatureExtractorContext context) {
        return registry.get(type).create(section, context.withSection(path));
    }
}
