package org.example.vqlc.sign;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;

/** {@code quantizer.type = sign}: option {@code beta}; {@code codebook-size} must be 2^model.embed-dim. */
public final class SignQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "sign";
    }

    @Override
    public String description() {
        return "binary codes: the sign of every latent dimension, 2^D codes, commitment loss (example plug-in)";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int d = context.embeddingDim();
        int k = section.getInt("codebook-size");
        if (d > 30 || k != 1 << d) {
            throw new UserException("quantizer.codebook-size = " + k + " but the sign quantizer makes 2^" + d
                    + " codes from model.embed-dim = " + d + (d > 30 ? " (at most 30 dimensions)" : ""));
        }
        return new SignQuantizer(d, (float) section.getDouble("beta"));
    }
}
