package io.github.vqlc.quantizers.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Rows;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.quantizers.common.CodebookTerms;
import io.github.vqlc.quantizers.common.TrainableCodebookQuantizer;
import java.util.Map;

/**
 * Vanilla vector quantizer (van den Oord et al. 2017; Esser et al. 2021).
 *
 * <p>Codebook (K, D), initialized uniformly in +-1/K. For latents z (B, D, H, W) each vector takes
 * its nearest code by squared L2; the output is straight-through. Losses: {@code codebook} =
 * codebookWeight * mean((z_q - sg[z])^2) trains the codebook, {@code commitment} = beta *
 * mean((sg[z_q] - z)^2) pulls the encoder to its code. Taming's VQGAN: codebookWeight 1, beta 0.25;
 * the VQGAN-LC authors' baseline: codebookWeight 0.33, beta 1.
 */
public final class VectorQuantizer extends TrainableCodebookQuantizer<VectorQuantizer> {

    private final float beta;
    private final float codebookWeight;
    private final Parameter codebook;
    private final NearestCodeSearch search;

    /** Taming's loss form: codebook term weight 1, commitment weight {@code beta}. */
    public VectorQuantizer(int codebookSize, int embeddingDim, float beta, NearestCodeSearch search) {
        this(codebookSize, embeddingDim, beta, 1f, search);
    }

    /** Commitment weight {@code beta}, codebook term weight {@code codebookWeight}. */
    public VectorQuantizer(
            int codebookSize, int embeddingDim, float beta, float codebookWeight, NearestCodeSearch search) {
        super(codebookSize, embeddingDim);
        this.beta = beta;
        this.codebookWeight = codebookWeight;
        this.search = search;
        this.codebook = addParameter(CodebookTerms.uniformCodebook(codebookSize, embeddingDim));
    }

    @Override
    public String type() {
        return "vq";
    }

    @Override
    public boolean initializeFrom(ParameterStore ps, NDArray z) {
        return upkeep().initialize(codebook, Latents.toVectors(z));
    }

    @Override
    public QuantizerOutput quantize(ParameterStore ps, NDArray z, boolean training) {
        checkInput(z);
        NDArray codes = ps.getValue(codebook, z.getDevice(), training);
        NDArray vectors = Latents.toVectors(z);
        NDArray indices = search.nearest(vectors, codes);
        NDArray chosen = Rows.gather(z.getManager(), codes, indices);
        if (training) {
            recordUsage(indices, vectors);
        }
        Map<String, NDArray> losses = CodebookTerms.losses(chosen, vectors, codebookWeight, beta);
        NDArray quantized = Latents.toMaps(output(vectors, chosen), z.getShape());
        return new QuantizerOutput(quantized, Latents.toIndexMaps(indices, z.getShape()), losses);
    }

    @Override
    public NDArray lookup(ParameterStore ps, NDArray indices) {
        NDArray codes = ps.getValue(codebook, indices.getDevice(), false);
        return gatherMaps(codes, indices);
    }

    @Override
    public Parameter codebook() {
        return codebook;
    }
}
