package io.github.vqlc.quantizers.fc;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;

/**
 * {@code quantizer.type = fc}: options {@code factor-dim} (look-up width, default 8), {@code beta}
 * (weight of the codebook term, default 0.33), {@code commitment-weight} (default 1), {@code
 * l2-normalize} (default true) and {@code codebook-init} (normal | uniform | kmeans: k-means of the first batch in the look-up space) and {@code
 * restart-threshold} (dead-code restarts, 0 = off); defaults in this
 * module's {@code reference.conf} under {@code quantizer-types.fc}.
 */
public final class FactorizedQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "fc";
    }

    @Override
    public String description() {
        return "VQGAN-FC: look-up in a learned low-dim (l2-normalized) space, codes projected back, straight-through";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        String init = Sections.of(section).oneOf("codebook-init", "normal", "uniform", "kmeans");
        return Sections.withGradient(
                FactorizedQuantizer.builder()
                        .setCodebookSize(section.getInt("codebook-size"))
                        .setEmbeddingDim(context.embeddingDim())
                        .optFactorDim(Sections.of(section).intIn("factor-dim", 1, 4096))
                        .optBeta((float) Sections.of(section).doubleIn("beta", 0, 100))
                        .optCommitmentWeight((float) Sections.of(section).doubleIn("commitment-weight", 0, 100))
                        .optL2Normalize(Sections.of(section).bool("l2-normalize"))
                        .optUniformCodebook(init.equals("uniform"))
                        .optSearch(Sections.search(section))
                        .build()
                        .withUpkeep(init.equals("kmeans"), context.seed(), Sections.restartThreshold(section)),
                section);
    }
}
