package io.github.vqlc.core.spi;

import com.typesafe.config.Config;

/**
 * Creates one type of {@link FeatureExtractor}. Implementations are listed in
 * {@code META-INF/services/io.github.vqlc.core.spi.FeatureExtractorFactory}; their defaults live in
 * the owning jar's {@code reference.conf} under {@code extractor-types.<type>}.
 */
public interface FeatureExtractorFactory {

    /** The name used in an extractor section's {@code type}, e.g. {@code "torchscript"}. */
    String type();

    /** One line for listings. */
    String description();

    /**
     * Builds an extractor from its resolved section: the user's extractor block (e.g.
     * {@code codebook.extractor} or {@code eval.fid.extractor}) over {@code extractor-types.<type>}.
     */
    FeatureExtractor create(Config section, FeatureExtractorContext context);
}
