package io.github.vqlc.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Rows of a table picked by index, differentiably and reproducibly: codebook look-ups, token and
 * class embeddings.
 *
 * <p>Why not {@code table.get(new NDIndex("{}", indices))}: that is PyTorch's advanced indexing,
 * whose gradient scatters into the table with atomic float adds from several threads on CPU, so a
 * row picked by many positions sums its gradients in a different order from run to run (a
 * same-seed run drifts after a few steps). The embedding op computes the same forward values and
 * sums each row's gradient in index order whatever the thread count.
 */
public final class Rows {
    private Rows() {}

    /**
     * {@code table[indices]}: for a (K, D) table and indices of shape S (integers in [0, K)), the
     * (S..., D) rows, owned by {@code manager}. The table gets gradient if it requires one.
     */
    public static NDArray gather(NDManager manager, NDArray table, NDArray indices) {
        NDArray index = indices.getDataType() == DataType.INT64 ? indices : indices.toType(DataType.INT64, false);
        NDArray rows = table.getNDArrayInternal()
                .embedding(index, table, SparseFormat.DENSE)
                .singletonOrThrow();
        if (index != indices) {
            index.close();
        }
        rows.attach(manager);
        return rows;
    }

    /** {@link #gather} into the indices' manager. */
    public static NDArray gather(NDArray table, NDArray indices) {
        return gather(indices.getManager(), table, indices);
    }
}
