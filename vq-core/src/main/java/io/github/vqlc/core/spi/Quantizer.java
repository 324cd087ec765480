package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A vector quantizer: replaces every latent vector by a codebook entry.
 *
 * <p>Tensor contract: {@code z} is (B, D, H, W) float32 with {@code D = embeddingDim()}; the
 * output's {@code quantized} has the same shape and passes gradients straight through to {@code
 * z}; {@code indices} is (B, H, W) int64 in {@code [0, codebookSize())}. Non-gradient state (EMA
 * statistics) is updated inside {@link #quantize} when {@code training} is true. Parameters and
 * such buffers are DJL parameters so they save and load with the model.
 */
public interface Quantizer extends Block {

    /** Quantizes {@code z}; loss terms are already weighted and summed by {@link QuantizerOutput#loss()}. */
    QuantizerOutput quantize(ParameterStore parameterStore, NDArray z, boolean training);

    /**
     * Returns the vectors for {@code indices} (B, H, W) as (B, D, H, W): exactly the vectors
     * {@link #quantize} produces for those indices (the decoder's input when decoding tokens).
     */
    NDArray lookup(ParameterStore parameterStore, NDArray indices);

    /** Number of codebook entries K. */
    int codebookSize();

    /** Width D of the latent vectors this quantizer consumes and produces. */
    int embeddingDim();

    /** The registered type name, e.g. {@code "vq"}. */
    String type();
}
