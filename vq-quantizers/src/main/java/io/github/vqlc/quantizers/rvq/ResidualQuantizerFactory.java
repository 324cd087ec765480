package io.github.vqlc.quantizers.rvq;

import com.typesafe.config.Config;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;
import io.github.vqlc.quantizers.ema.EmaQuantizerFactory;
import io.github.vqlc.quantizers.vq.VectorQuantizerFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code quantizer.type = rvq}: {@code depth} levels of {@code level} = vq | ema quantizers of
 * {@code codebook-size} codes each, built by those types' factories from this section (so the
 * section carries their keys: beta, codebook-weight, decay, eps, restart-threshold, gradient).
 */
public final class ResidualQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "rvq";
    }

    @Override
    public String description() {
        return "residual VQ: depth levels of vq or ema codebooks, each quantizing what the last left; G = depth codes per position";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int depth = Sections.of(section).intIn("depth", 1, 64);
        String level = Sections.of(section).oneOf("level", "vq", "ema");
        QuantizerFactory factory = level.equals("vq") ? new VectorQuantizerFactory() : new EmaQuantizerFactory();
        List<AbstractQuantizer> levels = new ArrayList<>();
        for (int g = 0; g < depth; g++) {
            levels.add((AbstractQuantizer) factory.create(section, context));
        }
        return new ResidualQuantizer(levels);
    }
}
