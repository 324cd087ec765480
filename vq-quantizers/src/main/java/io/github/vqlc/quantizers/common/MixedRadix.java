package io.github.vqlc.quantizers.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Indices of implicit codebooks (FSQ's level grid, LFQ/BSQ's sign patterns): a code is one digit per
 * latent dimension, digit i in [0, radix_i), and its index is {@code sum_i digit_i prod_{j < i}
 * radix_j} (dimension 0 is the least significant digit).
 */
public final class MixedRadix {

    private final long[] radices;
    private final long[] basis;

    /** @param radices digits per dimension, each >= 2, with a product below 2^31 */
    public MixedRadix(int[] radices) {
        this.radices = new long[radices.length];
        this.basis = new long[radices.length];
        long p = 1;
        for (int i = 0; i < radices.length; i++) {
            this.radices[i] = radices[i];
            basis[i] = p;
            p *= radices[i];
        }
    }

    /** The number of dimensions. */
    public int dims() {
        return radices.length;
    }

    /** (B, H, W) int64 indices of integer digits (B, D, H, W) (any numeric type holding whole numbers). */
    public NDArray indices(NDArray digits) {
        NDManager m = digits.getManager();
        NDArray b = m.create(basis).reshape(1, radices.length, 1, 1);
        return digits.toType(DataType.INT64, false).mul(b).sum(new int[] {1});
    }

    /** The digits (B, D, H, W) float32 of indices (B, H, W). */
    public NDArray digits(NDArray indices) {
        NDManager m = indices.getManager();
        // floor(index / basis_i) mod radix_i in float64: exact below 2^53 (the engine's division of
        // int64 tensors is true division)
        NDArray idx = indices.toType(DataType.FLOAT64, false).expandDims(1);
        NDArray b = m.create(basis).toType(DataType.FLOAT64, false).reshape(1, radices.length, 1, 1);
        NDArray r = m.create(radices).toType(DataType.FLOAT64, false).reshape(1, radices.length, 1, 1);
        return idx.div(b).floor().mod(r).toType(DataType.FLOAT32, false);
    }
}
