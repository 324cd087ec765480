package io.github.vqlc.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.Dropout;
import io.github.vqlc.core.engine.TorchOps;

/** Small factories for the building blocks of the encoder and decoder. */
public final class Layers {

    private Layers() {}

    /** k x k convolution, stride 1, "same" padding (a {@link PaddedConv2d}: right gradients on CPU). */
    public static Conv2d conv(int filters, int kernel) {
        return new PaddedConv2d(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2)));
    }

    /** 3x3 convolution with stride 2: halves the resolution. */
    public static Conv2d downsample(int filters) {
        return new PaddedConv2d(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(2, 2))
                .optPadding(new Shape(1, 1)));
    }

    /**
     * taming-transformers' downsampling: the input padded by one zero pixel on the right and bottom,
     * then a 3x3 stride-2 convolution without padding (the same parameters as {@link #downsample}).
     */
    public static Block downsampleTaming(int filters) {
        SequentialBlock b = new SequentialBlock();
        b.add(new LambdaBlock(list -> new NDList(padRightBottom(list.singletonOrThrow())), "pad_right_bottom"));
        b.add(new PaddedConv2d(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(2, 2))));
        return b;
    }

    /** (N, C, H, W) -> (N, C, H + 1, W + 1) with zeros in the new last row and column. */
    static NDArray padRightBottom(NDArray x) {
        Shape s = x.getShape();
        NDArray column =
                x.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2), 1), x.getDataType(), x.getDevice());
        NDArray wider = x.concat(column, 3);
        NDArray row =
                x.getManager().zeros(new Shape(s.get(0), s.get(1), 1, s.get(3) + 1), x.getDataType(), x.getDevice());
        return wider.concat(row, 2);
    }

    /** Nearest-neighbour x2 upsampling (DJL's PyTorch engine has no transposed convolution). */
    public static Block upsampleNearest() {
        return new LambdaBlock(
                list -> {
                    NDArray x = list.singletonOrThrow();
                    long[] size = {x.getShape().get(2) * 2, x.getShape().get(3) * 2};
                    // the engine's interpolate (mode 0 = nearest): ~10x faster backward than two repeat() ops
                    return new NDList(TorchOps.interpolate(x, size, TorchOps.Interpolation.NEAREST));
                },
                "upsample");
    }

    public static Block swish() {
        // x * sigmoid(x); Activation.swish(x, beta) multiplies by a borrowed scalar (see Scalars)
        return new LambdaBlock(
                list -> {
                    NDArray x = list.singletonOrThrow();
                    return new NDList(x.mul(Activation.sigmoid(x)));
                },
                "swish");
    }

    public static Block dropout(double rate) {
        return Dropout.builder().optRate((float) rate).build();
    }
}
