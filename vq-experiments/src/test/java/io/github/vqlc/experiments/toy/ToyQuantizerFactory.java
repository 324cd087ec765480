package io.github.vqlc.experiments.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import com.typesafe.config.Config;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.core.spi.QuantizerOutput;
import java.util.Map;

/**
 * A quantizer living only on the test classpath (registered in test resources'
 * META-INF/services), proving that a new quantizer needs no framework change: a frozen random
 * codebook scaled by {@code quantizer.scale}, commitment loss only; {@code quantizer.nan-after = N}
 * makes the loss NaN after N training steps (to test divergence handling).
 */
public final class ToyQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "toy";
    }

    @Override
    public String description() {
        return "test-only frozen random codebook";
    }

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        return new Toy(
                section.getInt("codebook-size"),
                context.embeddingDim(),
                (float) section.getDouble("scale"),
                section.getInt("nan-after"));
    }

    /** Built from the framework's shared quantizer pieces (AbstractQuantizer, Latents, the search). */
    static final class Toy extends AbstractQuantizer {
        private final Parameter codebook;
        private final int nanAfter;
        private int trainingCalls;

        Toy(int k, int d, float scale, int nanAfter) {
            super(k, d);
            this.nanAfter = nanAfter;
            codebook = addParameter(Parameter.builder()
                    .setName("codebook")
                    .setType(Parameter.Type.WEIGHT)
                    .optRequiresGrad(false)
                    .optInitializer(new NormalInitializer(scale))
                    .optShape(new Shape(k, d))
                    .build());
        }

        @Override
        public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
            NDArray codes = ps.getValue(codebook, z.getDevice(), training);
            NDArray v = Latents.toVectors(z);
            NDArray idx = NearestCodeSearch.create().nearest(v, codes);
            NDArray chosen = codes.get(z.getManager(), new NDIndex("{}", idx));
            NDArray loss = Latents.mse(v, chosen);
            if (training && nanAfter > 0 && ++trainingCalls > nanAfter) {
                loss = loss.add(z.getManager().full(new Shape(), Float.NaN)); // a diverged loss, for the NaN test
            }
            return new QuantizerOutput(
                    Latents.toMaps(Latents.straightThrough(v, chosen), z.getShape()),
                    Latents.toIndexMaps(idx, z.getShape()),
                    Map.of("commitment", loss));
        }

        @Override
        public NDArray lookup(ParameterStore ps, NDArray indices) {
            return gatherMaps(ps.getValue(codebook, indices.getDevice(), false), indices);
        }

        @Override
        public String type() {
            return "toy";
        }
    }
}
