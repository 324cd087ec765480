package io.github.vqlc.core.spi;

import com.typesafe.config.Config;

/**
 * Creates one type of quantizer. Implementations are listed in
 * {@code META-INF/services/io.github.vqlc.core.spi.QuantizerFactory}; their defaults live in the
 * owning jar's {@code reference.conf} under {@code quantizer-types.<type>}.
 */
public interface QuantizerFactory extends NamedFactory {

    /** The quantizer types on the class path of {@code loader}. */
    static FactoryRegistry<QuantizerFactory> discover(ClassLoader loader) {
        return FactoryRegistry.discover(QuantizerFactory.class, "quantizer.type", loader);
    }

    /** The quantizer types on the context class path. */
    static FactoryRegistry<QuantizerFactory> discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    /**
     * Builds a quantizer from its resolved section: the user's {@code quantizer} block over
     * {@code quantizer-types.<type>} over the common defaults. Keys are already checked.
     */
    Quantizer create(Config section, QuantizerContext context);
}
