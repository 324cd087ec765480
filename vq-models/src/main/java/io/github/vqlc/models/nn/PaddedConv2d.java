package io.github.vqlc.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link Conv2d} whose input gradient is right on CPU for any number of filters.
 *
 * <p>libtorch 2.3.1's oneDNN convolution computes the input gradient from an output gradient
 * reordered into blocks of 8 channels (AVX2; 16 with AVX-512) and reads the unwritten padding of
 * the last block: with a filter count that is not a multiple of the block, the input gradient is
 * garbage that depends on what the allocator hands back (often NaN). The forward pass and the
 * weight gradient are right (docs/djl-pitfalls.md; {@code PaddedConv2dTest}). This layer keeps the
 * parameters of a plain Conv2d (same shapes, names and checkpoint format) and, on CPU when the
 * filter count is not a multiple of 16, convolves with zero filters appended up to the next
 * multiple of 16 and returns the real channels: the output gradient the convolution sees is then
 * whole. The extra filters cost little where this happens (a decoder's image output, a
 * discriminator's single logit channel).
 */
public final class PaddedConv2d extends Conv2d {

    /** oneDNN's channel block on AVX-512 (a multiple of AVX2's 8). */
    static final int CHANNEL_BLOCK = 16;

    /** The convolution {@code builder} describes (its {@code build()} is not called). */
    public PaddedConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /** Whether the convolution runs with padded filters on this device. */
    boolean pads(NDArray x) {
        return filters % CHANNEL_BLOCK != 0 && groups == 1 && !x.getDevice().isGpu();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (!pads(x)) {
            return super.forwardInternal(ps, inputs, training, params);
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        Shape ws = w.getShape();
        long extra = CHANNEL_BLOCK - filters % CHANNEL_BLOCK;
        NDArray paddedWeight = w.concat(
                x.getManager().zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3)), w.getDataType(), w.getDevice()),
                0);
        NDArray paddedBias = null;
        if (includeBias) {
            NDArray b = ps.getValue(bias, x.getDevice(), training);
            paddedBias = b.concat(x.getManager().zeros(new Shape(extra), b.getDataType(), b.getDevice()), 0);
        }
        NDArray y = Conv2d.conv2d(x, paddedWeight, paddedBias, stride, padding, dilation, groups)
                .singletonOrThrow();
        return new NDList(y.get(new NDIndex().addAllDim().addSliceDim(0, filters)));
    }
}
