package io.github.vqlc.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.github.vqlc.core.ops.Scalars;

/**
 * adaLN-Zero's modulation (Peebles and Xie 2023): SiLU of the conditioning c (B, W), then a
 * linear map to {@code parts} x W values, split into (B, 1, W) shifts, scales and gates. Weights
 * and bias start at zero, so every gate is zero and each block starts as the identity.
 */
final class Modulation extends AbstractBlock {

    private final int width;
    private final int parts;
    private final Linear linear;

    Modulation(int width, int parts) {
        super((byte) 1);
        this.width = width;
        this.parts = parts;
        linear = addChildBlock(
                "linear", Linear.builder().setUnits((long) parts * width).build());
        linear.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
        linear.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
    }

    /** The {@code parts} (B, 1, W) arrays for conditioning {@code c} (B, W). */
    NDList of(ParameterStore ps, NDArray c, boolean training) {
        NDArray m = linear.forward(ps, new NDList(silu(c)), training).singletonOrThrow();
        NDList out = m.split(parts, 1);
        NDList shaped = new NDList(parts);
        for (NDArray part : out) {
            shaped.add(part.expandDims(1));
        }
        return shaped;
    }

    /** x (1 + scale) + shift. */
    static NDArray modulate(NDArray x, NDArray shift, NDArray scale) {
        return x.mul(Scalars.add(scale, 1f)).add(shift);
    }

    /**
     * x sigmoid(x), built from tensors: {@code Activation.swish} multiplies by a borrowed scalar that
     * autograd reads after it is freed (docs/djl-pitfalls.md).
     */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return of(ps, inputs.singletonOrThrow(), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, new Shape(1, width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[parts];
        for (int i = 0; i < parts; i++) {
            out[i] = new Shape(inputShapes[0].get(0), 1, width);
        }
        return out;
    }
}
