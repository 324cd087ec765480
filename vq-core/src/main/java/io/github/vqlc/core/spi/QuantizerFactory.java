package io.github.vqlc.core.spi;

import com.typesafe.config.Config;

/**
 * Creates one type of quantizer. Implementations are listed in
 * {@code META-INF/services/io.github.vqlc.core.spi.QuantizerFactory}; their defaults live in the
 * owning jar's {@code reference.conf} under {@code quantizer-types.<type>}.
 */
public interface QuantizerFactory {

    /** The name used in {@code quantizer.type}, e.g. {@code "ema"}. */
    String type();

    /** One line for {@code vqlc quantizers}. */
    String description();

    /**
     * Builds a quantizer from its resolved section: the user's {@code quantizer} block over
     * {@code quantizer-types.<type>} over the common defaults. Keys are already checked.
     */
    Quantizer create(Config section, QuantizerContext context);
}
