package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Row sums grouped by an index (scatter-add), on the rows' device. */
final class Segments {

    private Segments() {}

    /**
     * {@code out[j] = sum of rows[i] over i with index[i] == j}, through a hybrid sparse COO tensor
     * (one index row, dense rows as values) turned dense: PyTorch sorts the indices and sums the
     * duplicates in one native pass, deterministically on CPU. DJL exposes neither {@code
     * index_add} nor {@code scatter_add}.
     *
     * @param rows (N, C) float32
     * @param index (N) int64, values in [0, k)
     * @param k number of groups
     * @return (k, C) float32, attached to {@code rows}' manager; groups without rows are 0
     */
    static NDArray sumByIndex(NDArray rows, NDArray index, long k) {
        long c = rows.getShape().get(1);
        try (NDArray indexRow = index.expandDims(0);
                NDArray sparse = JniUtils.createSparseCoo((PtNDArray) indexRow, (PtNDArray) rows, new Shape(k, c))) {
            NDArray dense = sparse.toDense();
            dense.attach(rows.getManager());
            return dense;
        }
    }
}
