package io.github.vqlc.quantizers.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import io.github.vqlc.core.spi.AbstractQuantizer;
import io.github.vqlc.core.spi.RowReplacements;
import io.github.vqlc.core.spi.StepContext;

/**
 * A quantizer with a trainable codebook parameter (vq, fc): the {@link CodebookUpkeep} options
 * (k-means initialization, dead-code restarts) and their hooks into the trainer's step boundary
 * and optimizer. Subclasses call {@link #upkeep()} from {@code initializeFrom} (with vectors in
 * their codebook's space) and from {@code quantize} in training ({@code record}).
 *
 * @param <Q> the subclass, so {@link #withUpkeep} chains with its own type
 */
public abstract class TrainableCodebookQuantizer<Q extends TrainableCodebookQuantizer<Q>> extends AbstractQuantizer {

    private CodebookUpkeep upkeep = CodebookUpkeep.none();

    protected TrainableCodebookQuantizer(int codebookSize, int embeddingDim) {
        super(codebookSize, embeddingDim);
    }

    /** The trainable codebook (K, F). */
    public abstract Parameter codebook();

    /**
     * Turns on k-means initialization from the first batch and/or dead-code restarts below {@code
     * restartThreshold} uses per forward ({@link CodebookUpkeep}); call before initialization.
     */
    @SuppressWarnings("unchecked")
    public Q withUpkeep(boolean kmeansInit, long seed, float restartThreshold) {
        Parameter usage = restartThreshold > 0 ? addParameter(CodebookUpkeep.usageParameter(codebookSize)) : null;
        this.upkeep = new CodebookUpkeep(kmeansInit, seed, restartThreshold, usage);
        return (Q) this;
    }

    protected CodebookUpkeep upkeep() {
        return upkeep;
    }

    /**
     * One training forward's codes (N) and vectors (N, F) in the codebook's space, for the usage
     * averages of dead-code restarts (through the trainer's {@link #stateUpdates()}).
     */
    protected void recordUsage(NDArray indices, NDArray vectors) {
        if (upkeep.restarts()) {
            stateUpdates()
                    .submit(
                            "code-usage",
                            new NDList(indices, vectors),
                            rows -> upkeep.record(rows.get(0), rows.get(1)));
        }
    }

    @Override
    public void beforeStep(StepContext step) {
        upkeep.applyPending(codebook());
    }

    @Override
    public void setRowReplacements(RowReplacements listener) {
        upkeep.setListener(listener);
    }
}
