package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A vector quantizer: replaces every latent vector by a codebook entry.
 *
 * <p>Tensor contract: {@code z} is (B, D, H, W) float32 with {@code D = embeddingDim()}; the
 * output's {@code quantized} has the same shape and passes gradients straight through to {@code
 * z}; {@code indices} is (B, H, W) int64 in {@code [0, codebookSize())}, or (B, H, W, G) for a
 * quantizer with {@link #codesPerPosition()} G > 1 (residual levels, groups: code g of a position
 * comes from level g's codebook of {@code codebookSize()} codes). Non-gradient state (EMA
 * statistics) is updated from {@link #quantize} when {@code training} is true, through the
 * {@link StateUpdates} the trainer set. Parameters and
 * such buffers are DJL parameters so they save and load with the model.
 */
public interface Quantizer extends Block {

    /** Quantizes {@code z}; loss terms are already weighted and summed by {@link QuantizerOutput#loss()}. */
    QuantizerOutput quantize(ParameterStore parameterStore, NDArray z, boolean training);

    /**
     * Returns the vectors for {@code indices} (B, H, W), or (B, H, W, G), as (B, D, H, W): exactly the vectors
     * {@link #quantize} produces for those indices (the decoder's input when decoding tokens).
     */
    NDArray lookup(ParameterStore parameterStore, NDArray indices);

    /** Number of codebook entries K (of each level when {@link #codesPerPosition()} > 1). */
    int codebookSize();

    /**
     * Codes G per latent position: 1 for (B, H, W) indices, G > 1 for (B, H, W, G). Token files lay a
     * position's G codes side by side (grid h x (w G)), so a GPT sees a sequence of h w G tokens.
     */
    default int codesPerPosition() {
        return 1;
    }

    /** Width D of the latent vectors this quantizer consumes and produces. */
    int embeddingDim();

    /** Called by the trainer before every training step (annealing, deferred restarts). */
    default void beforeStep(StepContext step) {}

    /**
     * Data-dependent initialization: called once, before the first step of a fresh run (never on
     * resume), with the first batch's encoder outputs z (B, D, H, W), outside autograd.
     *
     * @return whether any parameter changed (the trainer then re-copies its weight average)
     */
    default boolean initializeFrom(ParameterStore parameterStore, NDArray z) {
        return false;
    }

    /** Where to report rows of trainable parameters the quantizer overwrites (its optimizer). */
    default void setRowReplacements(RowReplacements listener) {}

    /**
     * Where training forwards send their state updates ({@link StateUpdates#IMMEDIATE} unless the
     * trainer runs replicas). A quantizer with non-gradient state submits every update there.
     */
    default void setStateUpdates(StateUpdates updates) {}

    /** The registered type name, e.g. {@code "vq"}. */
    String type();
}
