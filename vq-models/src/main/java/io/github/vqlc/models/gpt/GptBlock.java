package io.github.vqlc.models.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.models.nn.LayerNorm;

/**
 * One pre-norm transformer block: x + attn(ln1(x)), then x + mlp(ln2(x)) with mlp = Linear(C, 4C),
 * GELU, Linear(4C, C), dropout. Input and output (B, n, C).
 */
final class GptBlock extends AbstractBlock {

    private final float dropout;
    private final Block ln1;
    private final SelfAttention attn;
    private final Block ln2;
    private final Block fc;
    private final Block fcOut;

    GptBlock(int width, int heads, float dropout) {
        super((byte) 1);
        this.dropout = dropout;
        ln1 = addChildBlock("ln1", LayerNorm.of(width));
        attn = addChildBlock("attn", new SelfAttention(width, heads, dropout));
        ln2 = addChildBlock("ln2", LayerNorm.of(width));
        fc = addChildBlock("fc", Linear.builder().setUnits(4L * width).build());
        fcOut = addChildBlock("fc_out", Linear.builder().setUnits(width).build());
    }

    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, KvCache cache, int layer, boolean training) {
        NDArray h = ln1.forward(ps, new NDList(x), training).singletonOrThrow();
        x = x.add(attn.forward(ps, h, mask, cache, layer, training));
        h = ln2.forward(ps, new NDList(x), training).singletonOrThrow();
        h = Activation.gelu(fc.forward(ps, new NDList(h), training).singletonOrThrow());
        h = fcOut.forward(ps, new NDList(h), training).singletonOrThrow();
        if (training && dropout > 0) {
            h = TorchOps.dropout(h, dropout, true);
        }
        return x.add(h);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(forward(
                ps, x, SelfAttention.mask(x.getManager(), 0, (int) x.getShape().get(1)), null, 0, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        ln1.initialize(manager, dataType, x);
        attn.initialize(manager, dataType, x);
        ln2.initialize(manager, dataType, x);
        fc.initialize(manager, dataType, x);
        fcOut.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(4L * x.get(x.dimension() - 1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
