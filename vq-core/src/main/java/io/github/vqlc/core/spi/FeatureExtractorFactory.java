package io.github.vqlc.core.spi;

import com.typesafe.config.Config;

/**
 * Creates one type of {@link FeatureExtractor}. Implementations are listed in
 * {@code META-INF/services/io.github.vqlc.core.spi.FeatureExtractorFactory}; their defaults live in
 * the owning jar's {@code reference.conf} under {@code extractor-types.<type>}.
 */
public interface FeatureExtractorFactory extends NamedFactory {

    /** The feature extractor types on the class path of {@code loader}. */
    static FactoryRegistry<FeatureExtractorFactory> discover(ClassLoader loader) {
        return FactoryRegistry.discover(FeatureExtractorFactory.class, "feature extractor type", loader);
    }

    /** The feature extractor types on the context class path. */
    static FactoryRegistry<FeatureExtractorFactory> discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    /**
     * Builds an extractor from its resolved section: the user's extractor block (e.g.
     * {@code codebook.extractor} or {@code eval.fid.extractor}) over {@code extractor-types.<type>}.
     */
    FeatureExtractor create(Config section, FeatureExtractorContext context);
}
