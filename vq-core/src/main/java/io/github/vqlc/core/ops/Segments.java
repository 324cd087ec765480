package io.github.vqlc.core.ops;

import ai.djl.ndarray.NDArray;
import io.github.vqlc.core.engine.TorchOps;

/**
 * Row sums grouped by an index (scatter-add), on the rows' device: the one implementation behind
 * k-means' centroid update and the EMA quantizer's per-code statistics.
 */
public final class Segments {

    private Segments() {}

    /**
     * {@code out[j] = sum of rows[i] over i with index[i] == j}, in one native pass that sums
     * duplicate indices deterministically on CPU ({@link TorchOps#sparseRowsToDense}). No gradient
     * is recorded through {@code index}; {@code rows} should be detached by the caller when the
     * sums are statistics.
     *
     * @param rows (N, C) float32
     * @param index (N) int64, values in [0, k)
     * @param k number of groups
     * @return (k, C) float32, attached to {@code rows}' manager; groups without rows are 0
     */
    public static NDArray sumByIndex(NDArray rows, NDArray index, long k) {
        try (NDArray indexRow = index.expandDims(0)) {
            NDArray dense = TorchOps.sparseRowsToDense(indexRow, rows, k);
            dense.attach(rows.getManager());
            return dense;
        }
    }
}
