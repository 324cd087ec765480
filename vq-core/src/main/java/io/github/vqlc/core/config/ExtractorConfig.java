package io.github.vqlc.core.config;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorRegistry;
import java.util.Optional;

/**
 * A feature extractor section such as {@code codebook.extractor} or {@code eval.fid.extractor},
 * resolved: the user's block over {@code extractor-types.<type>}. Keys were checked when the
 * config was loaded ({@link ConfigKeyChecker}).
 *
 * @param path where the section lives, for messages (e.g. {@code codebook.extractor})
 * @param type the registered extractor type, e.g. {@code feature-net}
 * @param section what the factory reads
 */
public record ExtractorConfig(String path, String type, Config section) {

    /** The extractor section at {@code s.path()} of a resolved config, if there is one with a type. */
    public static Optional<ExtractorConfig> find(Config root, TypedSection s) {
        return s.resolve(root).map(section -> {
            if (!section.hasPath(TypedSection.TYPE)
                    || section.getString(TypedSection.TYPE).isBlank()) {
                throw new UserException(s.path() + ".type is not set; set it to a feature extractor type"
                        + " (feature-net, torchscript, patches, encoder, or one a plugin registers)");
            }
            return new ExtractorConfig(s.path(), section.getString(TypedSection.TYPE), section);
        });
    }

    /** Like {@link #find} but a missing section is a user error naming it. */
    public static ExtractorConfig of(Config root, TypedSection s) {
        return find(root, s)
                .orElseThrow(() -> new UserException("the config has no " + s.path() + " section; add one, e.g. "
                        + s.path() + " { type = feature-net }"));
    }

    /** Creates the extractor through {@code registry}; {@code context}'s section name is set to {@link #path}. */
    public FeatureExtractor create(FeatureExtractorRegistry registry, FeatureExtractorContext context) {
        return registry.get(type).create(section, context.withSection(path));
    }
}
