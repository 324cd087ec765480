package org.example.vqlc.sign;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.QuantizerOutput;
import java.util.Map;

/**
 * A binary quantizer: every latent dimension becomes -1 or +1 (its sign, 0 counting as +1), so D
 * dimensions make 2^D codes; the index has bit i set where dimension i is +1. Gradients pass
 * straight through; the loss is the commitment term beta * mean((sg[z_q] - z)^2). (Lookup-free
 * quantization without its entropy term; here as the smallest complete example of a plug-in.)
 */
public final class SignQuantizer extends AbstractQuantizer {

    private final int dim;
    private final float beta;

    public SignQuantizer(int dim, float beta) {
        super(1 << checked(dim), dim); // AbstractQuantizer: the DJL block plumbing, codebookSize(), embeddingDim()
        this.dim = dim;
        this.beta = beta;
    }

    private static int checked(int dim) {
        if (dim < 1 || dim > 30) {
            throw new IllegalArgumentException("the sign quantizer takes 1..30 latent dimensions, got " + dim);
        }
        return dim;
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray positive = z.gte(0);
        NDArray codes = positive.toType(DataType.FLOAT32, false).mul(2).sub(1);
        NDArray quantized = z.add(codes.sub(z).stopGradient());
        NDArray commitment = codes.sub(z).square().mean().mul(beta);
        NDArray indices = positive.toType(DataType.INT64, false).mul(bits(z.getManager())).sum(new int[] {1});
        return new QuantizerOutput(quantized, indices, Map.of("commitment", commitment));
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDArray i = indices.toType(DataType.INT64, false).expandDims(1);
        NDArray bits = bits(indices.getManager());
        // bit d of the index: (i / 2^d) mod 2, in float64 (exact for these sizes)
        NDArray set = i.toType(DataType.FLOAT64, false)
                .div(bits.toType(DataType.FLOAT64, false))
                .floor()
                .mod(2);
        return set.toType(DataType.FLOAT32, false).mul(2).sub(1);
    }

    /** (1, D, 1, 1) int64: 1, 2, 4, ..., 2^(D-1). */
    private NDArray bits(NDManager m) {
        long[] b = new long[dim];
        for (int d = 0; d < dim; d++) {
            b[d] = 1L << d;
        }
        return m.create(b).reshape(1, dim, 1, 1);
    }

    @Override
    public String type() {
        return "sign";
    }
}
