package io.github.vqlc.core.stats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;

/**
 * Which codes a training model chose recently: for every code the last step that chose it, kept on
 * the device as one int32 per code and written in place each step (duplicates write the same
 * value, so the result does not depend on thread timing). Nothing reaches the host until {@link
 * #usedInLast} is asked, so counting costs one small scatter per step.
 *
 * <p>It answers "how many distinct codes did the last n steps use", which gives both the window
 * utilization (LlamaGen's most recent 65,536 tokens) and the last-epoch utilization (the VQGAN-LC
 * authors' count: codes hit over one epoch by the evolving model).
 */
public final class RecentCodes implements AutoCloseable {

    private final int codebookSize;
    private final NDArray lastStep;
    private int tokenStep = -1;
    private long tokensThisStep;
    private long tokensPerStep;

    /** A tracker for a codebook of {@code codebookSize} codes whose array lives in {@code manager}. */
    public RecentCodes(NDManager manager, int codebookSize) {
        if (codebookSize < 1) {
            throw new IllegalArgumentException("codebookSize must be >= 1, got " + codebookSize);
        }
        this.codebookSize = codebookSize;
        this.lastStep = manager.zeros(new Shape(codebookSize), DataType.INT32);
    }

    /** Records the codes of {@code indices} (any shape, integer) as chosen at {@code step} (1-based). */
    public void record(NDArray indices, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps are 1-based, got " + step);
        }
        NDArray flat = indices.flatten();
        lastStep.set(new NDIndex("{}", flat.toType(DataType.INT64, false)), step);
        if (step != tokenStep) {
            tokenStep = step;
            tokensThisStep = 0;
        }
        tokensThisStep += flat.size();
        tokensPerStep = Math.max(tokensPerStep, tokensThisStep);
    }

    /** Distinct codes chosen in steps {@code currentStep - steps + 1 .. currentStep} (one host read). */
    public int usedInLast(int steps, int currentStep) {
        try (NDArray hit = lastStep.gt(Math.max(0, currentStep - steps)); // 0 = never chosen
                NDArray count = hit.sum()) {
            return (int) count.toType(DataType.INT64, false).getLong();
        }
    }

    /** Tokens one step records (the most seen in a step so far; 0 before the first). */
    public long tokensPerStep() {
        return tokensPerStep;
    }

    /** Steps whose tokens cover at least {@code tokens} (at least 1), given {@link #tokensPerStep}. */
    public int stepsFor(long tokens) {
        return tokensPerStep == 0 ? 1 : (int) Math.max(1, (tokens + tokensPerStep - 1) / tokensPerStep);
    }

    public int codebookSize() {
        return codebookSize;
    }

    /** The per-code last steps (K,) int32, for checkpoints. */
    public NDArray state() {
        return lastStep;
    }

    /** Restores {@link #state} from a checkpoint. */
    public void restore(NDArray saved) {
        if (!saved.getShape().equals(lastStep.getShape())) {
            throw new UserException("the checkpoint's code-usage record has shape " + saved.getShape()
                    + " but the codebook has " + codebookSize + " codes");
        }
        lastStep.set(new NDIndex("..."), saved.toType(DataType.INT32, false));
    }

    @Override
    public void close() {
        lastStep.close();
    }
}
