package io.github.vqlc.quantizers.vq;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;

/** {@code quantizer.type = vq}: options {@code beta} (commitment weight, default 0.25). */
public final class VectorQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "vq";
    }

    @Override
    public String description() {
        return "vanilla VQ: trainable codebook, codebook + beta x commitment loss, straight-through";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int k = section.getInt("codebook-size");
        float beta = (float) Sections.of(section).doubleIn("beta", 0, 100);
        return new VectorQuantizer(k, context.embeddingDim(), beta, Sections.search(section));
    }
}
