package io.github.vqlc.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication (and addition) by a constant that is safe under autograd.
 *
 * <p>DJL 0.29's {@code NDArray.mul(Number)} wraps the number in a tensor that borrows a direct
 * ByteBuffer's memory and closes it right after the op. PyTorch's autograd saves that scalar for
 * the backward pass of {@code mul}, so backward later reads freed memory: gradients become
 * garbage or NaN, at random, depending on when the JVM collects the buffer. Here the scalar is
 * created by the engine ({@code full}), owns its memory, and lives in the operand's manager.
 * Use this (not {@code mul(Number)} / {@code div(Number)}) on every differentiable path.
 */
public final class Scalars {

    private Scalars() {}

    /** {@code x * value}, differentiable. */
    public static NDArray mul(NDArray x, float value) {
        NDArray scalar = x.getManager().full(new Shape(), value, x.getDataType(), x.getDevice());
        return x.mul(scalar);
    }

    /** {@code x + value}, differentiable (same scalar ownership as {@link #mul}). */
    public static NDArray add(NDArray x, float value) {
        NDArray scalar = x.getManager().full(new Shape(), value, x.getDataType(), x.getDevice());
        return x.add(scalar);
    }
}
