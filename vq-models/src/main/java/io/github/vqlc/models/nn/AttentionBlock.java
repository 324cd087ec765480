package io.github.vqlc.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.core.ops.Scalars;

/**
 * Single-head spatial self-attention with a residual connection (taming's AttnBlock):
 * norm, 1x1 q/k/v, softmax(q k^T / sqrt(C)) v over the H*W positions, 1x1 projection.
 * Input and output (N, C, H, W).
 */
public final class AttentionBlock extends AbstractBlock {

    private final int channels;
    private final Block norm;
    private final Block q;
    private final Block k;
    private final Block v;
    private final Block proj;

    public AttentionBlock(int channels) {
        super((byte) 1);
        this.channels = channels;
        norm = addChildBlock("norm", GroupNorm.of(channels));
        q = addChildBlock("q", Layers.conv(channels, 1));
        k = addChildBlock("k", Layers.conv(channels, 1));
        v = addChildBlock("v", Layers.conv(channels, 1));
        proj = addChildBlock("proj", Layers.conv(channels, 1));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long hw = s.get(2) * s.get(3);
        NDList h = norm.forward(ps, inputs, training);
        NDArray qs = q.forward(ps, h, training)
                .singletonOrThrow()
                .reshape(n, channels, hw)
                .transpose(0, 2, 1);
        NDArray ks = k.forward(ps, h, training).singletonOrThrow().reshape(n, channels, hw);
        NDArray vs = v.forward(ps, h, training).singletonOrThrow().reshape(n, channels, hw);
        NDArray weights =
                Scalars.mul(qs.matMul(ks), (float) (1.0 / Math.sqrt(channels))).softmax(2); // (n, hw_q, hw_k)
        NDArray out = vs.matMul(weights.transpose(0, 2, 1)).reshape(s); // (n, c, hw_q)
        return new NDList(x.add(proj.forward(ps, new NDList(out), training).singletonOrThrow()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block b : new Block[] {norm, q, k, v, proj}) {
            b.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
