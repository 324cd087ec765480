package io.github.vqlc.quantizers.bsq;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.SignQuantizer;

/**
 * {@code quantizer.type = bsq}: one bit per latent dimension of the l2-normalized latent ({@code
 * codebook-size} = 2^model.embed-dim); options as lfq's, with the entropy factorized over groups.
 */
public final class BinarySphericalQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "bsq";
    }

    @Override
    public String description() {
        return "binary spherical quantization: l2-normalized latent, sign / sqrt(d), 2^d codes, grouped entropy";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int bits = SignQuantizer.bits(section, context, "bsq");
        return new BinarySphericalQuantizer(bits, SignQuantizer.options(section), SignQuantizer.entropy(section, bits));
    }
}
