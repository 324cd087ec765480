package io.github.vqlc.quantizers.vq;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;

/**
 * {@code quantizer.type = vq}: options {@code beta} (commitment weight, default 0.25) and {@code
 * codebook-weight} (default 1; the VQGAN-LC authors' form is beta 1, codebook-weight 0.33).
 */
public final class VectorQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "vq";
    }

    @Override
    public String description() {
        return "vanilla VQ: trainable codebook, codebook-weight x codebook + beta x commitment loss, straight-through";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int k = section.getInt("codebook-size");
        float beta = (float) Sections.of(section).doubleIn("beta", 0, 100);
        float codebookWeight = (float) Sections.of(section).doubleIn("codebook-weight", 0, 100);
        return Sections.withGradient(
                new VectorQuantizer(k, context.embeddingDim(), beta, codebookWeight, Sections.search(section))
                        .withUpkeep(
                                Sections.of(section)
                                        .oneOf("init", "uniform", "kmeans")
                                        .equals("kmeans"),
                                context.seed(),
                                Sections.restartThreshold(section)),
                section);
    }
}
