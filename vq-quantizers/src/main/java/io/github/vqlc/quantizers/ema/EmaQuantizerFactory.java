package io.github.vqlc.quantizers.ema;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;

/**
 * {@code quantizer.type = ema}: options {@code beta} (commitment weight, default 1.0), {@code decay}
 * (0.99), {@code eps} (Laplace smoothing, 1e-5) and {@code restart-threshold} (0 = no dead-code
 * restart); defaults in this module's {@code reference.conf} under {@code quantizer-types.ema}.
 */
public final class EmaQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "ema";
    }

    @Override
    public String description() {
        return "VQGAN-EMA: codebook = EMA of assigned vectors (Laplace-smoothed), commitment loss only, straight-through";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        return Sections.withGradient(
                EmaQuantizer.builder()
                        .setCodebookSize(section.getInt("codebook-size"))
                        .setEmbeddingDim(context.embeddingDim())
                        .optBeta((float) Sections.of(section).doubleIn("beta", 0, 100))
                        .optDecay((float) Sections.of(section).doubleIn("decay", 0, 0.999999))
                        .optEps((float) Sections.of(section).doubleIn("eps", 1e-12, 1))
                        .optRestartThreshold(Sections.restartThreshold(section))
                        .optSearch(Sections.search(section))
                        .build(),
                section);
    }
}
