package io.github.vqlc.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.models.gpt.SelfAttention;
import io.github.vqlc.models.nn.LayerNorm;

/**
 * One DiT block with adaLN-Zero conditioning: x += gate1 attn(modulate(norm(x), shift1, scale1));
 * x += gate2 mlp(modulate(norm(x), shift2, scale2)), the six modulations from the conditioning
 * vector; norms without affine parameters, bidirectional attention (the GPT's, no mask), MLP W ->
 * 4W -> W with GELU (the exact erf form; DiT uses the tanh approximation, within 1e-3).
 */
final class DitBlock extends AbstractBlock {

    private final int width;
    private final LayerNorm norm1;
    private final SelfAttention attention;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;
    private final Modulation modulation;

    DitBlock(int width, int heads) {
        super((byte) 1);
        this.width = width;
        norm1 = addChildBlock("norm1", plainNorm());
        attention = addChildBlock("attn", new SelfAttention(width, heads, 0f));
        norm2 = addChildBlock("norm2", plainNorm());
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(4L * width).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(width).build());
        modulation = addChildBlock("adaLN", new Modulation(width, 6));
    }

    /**
     * LayerNorm over the last axis without scale and shift (eps 1e-6, as DiT). Not DJL's LayerNorm:
     * by default it normalizes over every axis but the batch and keeps affine parameters even when
     * told not to use them (docs/djl-pitfalls.md).
     */
    static LayerNorm plainNorm() {
        return LayerNorm.withoutAffine(1e-6f);
    }

    /** x (B, T, W), conditioning c (B, W). */
    NDArray forward(ParameterStore ps, NDArray x, NDArray c, boolean training) {
        NDList m = modulation.of(ps, c, training);
        NDArray h = Modulation.modulate(norm(norm1, ps, x, training), m.get(0), m.get(1));
        x = x.add(m.get(2).mul(attention.forward(ps, h, null, null, 0, training)));
        h = Modulation.modulate(norm(norm2, ps, x, training), m.get(3), m.get(4));
        NDArray mlp = fc2.forward(
                        ps,
                        new NDList(Activation.gelu(
                                fc1.forward(ps, new NDList(h), training).singletonOrThrow())),
                        training)
                .singletonOrThrow();
        return x.add(m.get(5).mul(mlp));
    }

    private static NDArray norm(LayerNorm n, ParameterStore ps, NDArray x, boolean training) {
        return n.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.get(0), inputs.get(1), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        norm1.initialize(manager, dataType, x);
        attention.initialize(manager, dataType, x);
        norm2.initialize(manager, dataType, x);
        fc1.initialize(manager, dataType, x);
        fc2.initialize(manager, dataType, new Shape(x.get(0), x.get(1), 4L * width));
        modulation.initialize(manager, dataType, new Shape(x.get(0), width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
