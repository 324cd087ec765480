package io.github.vqlc.quantizers.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.quantizers.common.AbstractQuantizer;
import io.github.vqlc.quantizers.common.Latents;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Vanilla vector quantizer (van den Oord et al. 2017; Esser et al. 2021).
 *
 * <p>Codebook (K, D), initialized uniformly in +-1/K. For latents z (B, D, H, W) each vector takes
 * its nearest code by squared L2; the output is straight-through. Losses: {@code codebook} =
 * mean((z_q - sg[z])^2) trains the codebook, {@code commitment} = beta * mean((sg[z_q] - z)^2)
 * pulls the encoder to its code.
 */
public final class VectorQuantizer extends AbstractQuantizer {

    private final float beta;
    private final Parameter codebook;
    private final NearestCodeSearch search;

    public VectorQuantizer(int codebookSize, int embeddingDim, float beta, NearestCodeSearch search) {
        super(codebookSize, embeddingDim);
        this.beta = beta;
        this.search = search;
        this.codebook = addParameter(Parameter.builder()
                .setName("codebook")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new UniformInitializer(1f / codebookSize))
                .optShape(new Shape(codebookSize, embeddingDim))
                .build());
    }

    @Override
    public String type() {
        return "vq";
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray codes = ps.getValue(codebook, z.getDevice(), training);
        NDArray vectors = Latents.toVectors(z);
        NDArray indices = search.nearest(vectors, codes);
        NDArray chosen = Rows.gather(z.getManager(), codes, indices);
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("codebook", Latents.mse(chosen, vectors.stopGradient()));
        losses.put("commitment", Scalars.mul(Latents.mse(chosen.stopGradient(), vectors), beta));
        NDArray quantized = Latents.toMaps(Latents.straightThrough(vectors, chosen), z.getShape());
        return new QuantizerOutput(quantized, Latents.toIndexMaps(indices, z.getShape()), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDArray codes = ps.getValue(codebook, indices.getDevice(), false);
        return gatherMaps(codes, indices);
    }

    /** The codebook parameter (K, D). */
    public Parameter codebook() {
        return codebook;
    }
}
