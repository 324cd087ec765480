package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.core.ops.GradientEstimator;
import io.github.vqlc.core.ops.Latents;
import io.github.vqlc.core.ops.Rows;
import java.util.Objects;

/**
 * Block plumbing shared by quantizers (vqlc's own and plug-ins): {@code forward} returns (quantized, indices, loss) so a
 * quantizer also composes as an ordinary DJL block; subclasses implement {@link #quantize} and
 * {@link #lookup}.
 */
public abstract class AbstractQuantizer extends AbstractBlock implements Quantizer {

    private static final byte VERSION = 1;

    protected final int codebookSize;
    protected final int embeddingDim;
    private GradientEstimator gradient = GradientEstimator.STRAIGHT_THROUGH;
    private StateUpdates stateUpdates = StateUpdates.IMMEDIATE;

    protected AbstractQuantizer(int codebookSize, int embeddingDim) {
        super(VERSION);
        if (codebookSize < 2) {
            throw new IllegalArgumentException("codebook size must be >= 2, got " + codebookSize);
        }
        this.codebookSize = codebookSize;
        this.embeddingDim = embeddingDim;
    }

    @Override
    public int codebookSize() {
        return codebookSize;
    }

    @Override
    public int embeddingDim() {
        return embeddingDim;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        QuantizerOutput out = quantize(ps, inputs.singletonOrThrow(), training);
        return new NDList(out.quantized(), out.indices(), out.loss());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape indices = codesPerPosition() == 1
                ? new Shape(in.get(0), in.get(2), in.get(3))
                : new Shape(in.get(0), in.get(2), in.get(3), codesPerPosition());
        return new Shape[] {in, indices, new Shape()};
    }

    @Override
    public void setStateUpdates(StateUpdates updates) {
        this.stateUpdates = Objects.requireNonNull(updates);
    }

    /** Where {@link #quantize} submits state updates in training. */
    protected StateUpdates stateUpdates() {
        return stateUpdates;
    }

    /** How {@link #output} passes gradient to the encoder ({@code quantizer.gradient} of codebook quantizers). */
    public void setGradientEstimator(GradientEstimator gradient) {
        this.gradient = Objects.requireNonNull(gradient);
    }

    public GradientEstimator gradientEstimator() {
        return gradient;
    }

    /** The output for vectors {@code z} (N, D) and their codes (N, D): the codes, with the configured gradient to z. */
    protected NDArray output(NDArray z, NDArray codes) {
        return gradient.output(z, codes);
    }

    /** Checks the latent width before any work, with a message naming both widths. */
    protected void checkInput(NDArray z) {
        Shape s = z.getShape();
        if (s.dimension() != 4 || s.get(1) != embeddingDim) {
            throw new IllegalArgumentException(
                    type() + " quantizer expects (B, " + embeddingDim + ", H, W) latents, got " + s);
        }
    }

    /** Gathers rows {@code indices} (any shape, int64) of {@code table} (K, D) as (B, D, H, W) for (B, H, W) indices. */
    protected static NDArray gatherMaps(NDArray table, NDArray indices) {
        Shape s = indices.getShape();
        NDArray rows = Rows.gather(table, indices.flatten());
        return Latents.rowsToMaps(rows, s);
    }
}
