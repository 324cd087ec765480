package io.github.vqlc.experiments.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.typesafe.config.Config;
import io.github.vqlc.core.search.NearestCodeSearch;
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
        return new Toy(section.getInt("codebook-size"), context.embeddingDim(), (float) section.getDouble("scale"),
                section.getInt("nan-after"));
    }

    static final class Toy extends AbstractBlock implements Quantizer {
        private final int k;
        private final int d;
        private final Parameter codebook;
        private final int nanAfter;
        private int trainingCalls;

        Toy(int k, int d, float scale, int nanAfter) {
            this.k = k;
            this.d = d;
            this.nanAfter = nanAfter;
            codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.WEIGHT)
                    .optRequiresGrad(false).optInitializer(new NormalInitializer(scale)).optShape(new Shape(k, d)).build());
        }

        @Override
        public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
            NDArray codes = ps.getValue(codebook, z.getDevice(), training);
            Shape s = z.getShape();
            NDArray v = z.transpose(0, 2, 3, 1).reshape(-1, d);
            NDArray idx = NearestCodeSearch.create().nearest(v, codes);
            NDArray chosen = codes.get(z.getManager(), new NDIndex("{}", idx));
            NDArray diff = v.sub(chosen);
            NDArray q = v.add(chosen.sub(v).stopGradient()).reshape(s.get(0), s.get(2), s.get(3), d).transpose(0, 3, 1, 2);
            NDArray loss = diff.mul(diff).mean();
            if (training && nanAfter > 0 && ++trainingCalls > nanAfter) {
                loss = loss.add(z.getManager().full(new Shape(), Float.NaN)); // a diverged loss, for the NaN test
            }
            return new QuantizerOutput(q, idx.reshape(s.get(0), s.get(2), s.get(3)), Map.of("commitment", loss));
        }

        @Override
        public NDArray lookup(ParameterStore ps, NDArray indices) {
            Shape s = indices.getShape();
            NDArray codes = ps.getValue(codebook, indices.getDevice(), false);
            return codes.get(indices.getManager(), new NDIndex("{}", indices.flatten()))
                    .reshape(s.get(0), s.get(1), s.get(2), d).transpose(0, 3, 1, 2);
        }

        @Override
        public int codebookSize() {
            return k;
        }

        @Override
        public int embeddingDim() {
            return d;
        }

        @Override
        public String type() {
            return "toy";
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            QuantizerOutput o = quantize(ps, in.singletonOrThrow(), training);
            return new NDList(o.quantized(), o.indices(), o.loss());
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return new Shape[] {in[0], new Shape(in[0].get(0), in[0].get(2), in[0].get(3)), new Shape()};
        }
    }
}
