package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.ops.Scalars;

/**
 * Multi-head self-attention (Vaswani et al., 2017; GPT-2 layout), causal for the GPT through its
 * mask, bidirectional without one (the diffusion transformer's): one (C -> 3C) projection
 * to q, k, v, heads of width C/heads, softmax(q k^T / sqrt(dh) + mask) v, (C -> C) output
 * projection, dropout on the attention weights and on the output. Input and output (B, n, C).
 *
 * <p>With a {@link KvCache} the n new positions attend to the t cached ones and to themselves
 * (causally); their keys and values are appended to the cache. The additive mask is (n, t + n)
 * with -inf where key j > t + query i, and is omitted for n = 1.
 */
public final class SelfAttention extends AbstractBlock {

    private final int width;
    private final int heads;
    private final float dropout;
    private final Block qkv;
    private final Block proj;

    public SelfAttention(int width, int heads, float dropout) {
        super((byte) 1);
        this.width = width;
        this.heads = heads;
        this.dropout = dropout;
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).build());
        proj = addChildBlock("proj", Linear.builder().setUnits(width).build());
    }

    /**
     * @param mask additive (n, t + n) mask, or null when every key is visible (a single new position,
     *     or bidirectional attention)
     * @param cache keys/values of earlier positions, or null (the full forward)
     */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray mask, KvCache cache, int layer, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(1);
        int dh = width / heads;
        NDList parts =
                qkv.forward(ps, new NDList(x), training).singletonOrThrow().split(3, 2);
        NDArray q = parts.get(0).reshape(b, n, heads, dh).transpose(0, 2, 1, 3);
        NDArray k = parts.get(1).reshape(b, n, heads, dh).transpose(0, 2, 1, 3);
        NDArray v = parts.get(2).reshape(b, n, heads, dh).transpose(0, 2, 1, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        NDArray att = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), (float) (1.0 / Math.sqrt(dh))); // (B, h, n, t+n)
        if (mask != null) {
            att = att.add(mask);
        }
        att = dropout(att.softmax(3), training);
        NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, width);
        return dropout(proj.forward(ps, new NDList(y), training).singletonOrThrow(), training);
    }

    private NDArray dropout(NDArray x, boolean training) {
        return training && dropout > 0 ? TorchOps.dropout(x, dropout, true) : x;
    }

    /** The additive causal mask (n, past + n), created in {@code manager}; null for a single new position. */
    static NDArray mask(NDManager manager, int past, int n) {
        if (n == 1) {
            return null;
        }
        int cols = past + n;
        float[] m = new float[n * cols];
        for (int i = 0; i < n; i++) {
            for (int j = past + i + 1; j < cols; j++) {
                m[i * cols + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(m, new Shape(n, cols));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(
                forward(ps, x, mask(x.getManager(), 0, (int) x.getShape().get(1)), null, 0, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes);
        proj.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
