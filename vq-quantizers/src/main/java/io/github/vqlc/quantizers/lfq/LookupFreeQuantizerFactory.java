package io.github.vqlc.quantizers.lfq;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.SignQuantizer;

/**
 * {@code quantizer.type = lfq}: one bit per latent dimension ({@code codebook-size} = 2^model.embed-dim);
 * options {@code beta}, {@code entropy-weight}, {@code diversity}, {@code inverse-temperature},
 * {@code entropy-group-bits}, {@code entropy-budget-mb} (reference.conf).
 */
public final class LookupFreeQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "lfq";
    }

    @Override
    public String description() {
        return "lookup-free quantization (MAGVIT-v2): sign per latent dimension, 2^d codes, entropy term";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int bits = SignQuantizer.bits(section, context, "lfq");
        return new LookupFreeQuantizer(bits, SignQuantizer.options(section), SignQuantizer.entropy(section, bits));
    }
}
