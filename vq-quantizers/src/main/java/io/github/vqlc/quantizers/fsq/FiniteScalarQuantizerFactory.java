package io.github.vqlc.quantizers.fsq;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import java.util.List;

/**
 * {@code quantizer.type = fsq}: option {@code levels} (values per latent dimension; as many entries
 * as {@code model.embed-dim}); {@code quantizer.codebook-size} must be their product.
 */
public final class FiniteScalarQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "fsq";
    }

    @Override
    public String description() {
        return "finite scalar quantization: each latent dimension bounded and rounded to its levels; no codebook, no loss";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        List<Integer> levels = section.getIntList("levels");
        int product;
        try {
            product = FiniteScalarQuantizer.product(levels);
        } catch (IllegalArgumentException e) {
            throw new UserException("quantizer.levels: " + e.getMessage());
        }
        int k = section.getInt("codebook-size");
        if (k != product) {
            throw new UserException(
                    "quantizer.levels " + levels + " make " + product + " codes but quantizer.codebook-size"
                            + " = " + k + " ("
                            + section.getValue("codebook-size").origin().description()
                            + "); set quantizer.codebook-size = " + product);
        }
        if (levels.size() != context.embeddingDim()) {
            throw new UserException("quantizer.levels has " + levels.size() + " entries but model.embed-dim = "
                    + context.embeddingDim() + "; FSQ rounds each latent dimension to its own levels");
        }
        return new FiniteScalarQuantizer(levels);
    }
}
