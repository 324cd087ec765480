package io.github.vqlc.quantizers.ibq;

import com.typesafe.config.Config;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;

/**
 * {@code quantizer.type = ibq}: options {@code beta}, {@code codebook-weight} and {@code
 * logits-budget-mb} (the memory a training step's tokens x codes tables may take).
 */
public final class IndexBackpropQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "ibq";
    }

    @Override
    public String description() {
        return "index backpropagation quantization: one-hot straight through the softmax, every code gets gradient";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        Values v = Sections.of(section);
        return new IndexBackpropQuantizer(
                section.getInt("codebook-size"),
                context.embeddingDim(),
                (float) v.doubleIn("beta", 0, 100),
                (float) v.doubleIn("codebook-weight", 0, 100),
                v.intIn("logits-budget-mb", 1, 1 << 22) * 1024L * 1024L);
    }
}
