package io.github.vqlc.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Pre-activation residual block of taming-transformers: norm, swish, conv3x3, norm, swish,
 * dropout, conv3x3, plus a 1x1 shortcut when the channel count changes.
 * Input (N, in, H, W), output (N, out, H, W).
 */
public final class ResnetBlock extends AbstractBlock {

    private final int outChannels;
    private final Block main;
    private final Block shortcut;

    public ResnetBlock(int inChannels, int outChannels, double dropout) {
        super((byte) 1);
        this.outChannels = outChannels;
        SequentialBlock seq = new SequentialBlock()
                .add(GroupNorm.of(inChannels))
                .add(Layers.swish())
                .add(Layers.conv(outChannels, 3))
                .add(GroupNorm.of(outChannels))
                .add(Layers.swish());
        if (dropout > 0) {
            seq.add(Layers.dropout(dropout));
        }
        seq.add(Layers.conv(outChannels, 3));
        main = addChildBlock("main", seq);
        shortcut = inChannels == outChannels ? null : addChildBlock("shortcut", Layers.conv(outChannels, 1));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray h = main.forward(ps, inputs, training).singletonOrThrow();
        NDArray skip =
                shortcut == null ? x : shortcut.forward(ps, inputs, training).singletonOrThrow();
        return new NDList(skip.add(h));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        main.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, s.get(2), s.get(3))};
    }
}
