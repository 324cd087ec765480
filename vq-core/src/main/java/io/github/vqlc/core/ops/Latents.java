package io.github.vqlc.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Moves between the model's (B, D, H, W) latent maps and the (B*H*W, D) vectors quantizers search with. */
public final class Latents {

    private Latents() {}

    /** (B, D, H, W) to (B*H*W, D), row order b, h, w. */
    public static NDArray toVectors(NDArray z) {
        Shape s = z.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("expected latents of shape (B, D, H, W), got " + s);
        }
        return z.transpose(0, 2, 3, 1).reshape(-1, s.get(1));
    }

    /** (B*H*W, D) back to (B, D, H, W) given the spatial layout of {@code like} (B, ?, H, W). */
    public static NDArray toMaps(NDArray vectors, Shape like) {
        long d = vectors.getShape().get(1);
        return vectors.reshape(like.get(0), like.get(2), like.get(3), d).transpose(0, 3, 1, 2);
    }

    /** (B*H*W) indices to (B, H, W). */
    public static NDArray toIndexMaps(NDArray indices, Shape like) {
        return indices.reshape(like.get(0), like.get(2), like.get(3));
    }

    /**
     * Straight-through estimator sg[codes] + (z - sg[z]): the forward value is bit-identical to
     * {@code codes} (so {@code lookup} reproduces it exactly), the gradient is the identity to
     * {@code z}, and the codes get no gradient through this path.
     */
    public static NDArray straightThrough(NDArray z, NDArray codes) {
        return codes.stopGradient().add(z.sub(z.stopGradient()));
    }

    /** Rows (B*H*W, D) laid out by index maps of shape (B, H, W), as (B, D, H, W). */
    public static NDArray rowsToMaps(NDArray rows, Shape indexShape) {
        return rows.reshape(
                        indexShape.get(0),
                        indexShape.get(1),
                        indexShape.get(2),
                        rows.getShape().get(1))
                .transpose(0, 3, 1, 2);
    }

    /** Mean of squared differences, a scalar. */
    public static NDArray mse(NDArray a, NDArray b) {
        NDArray d = a.sub(b);
        return d.mul(d).mean();
    }
}
