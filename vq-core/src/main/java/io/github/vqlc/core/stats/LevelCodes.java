package io.github.vqlc.core.stats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.spi.Quantizer;

/**
 * Code usage of quantizers with G codes per position (residual levels, groups): level g's code i
 * is counted as code g K + i of one pooled range of G K codes, so every usage counter ({@link
 * CodeUsage}, {@link RecentCodes}) counts each level's codebook separately and its utilization is
 * the mean over levels. With G = 1 the codes are the indices themselves.
 */
public final class LevelCodes {

    private LevelCodes() {}

    /** G K: the codes a usage counter of {@code quantizer} tracks. */
    public static int pooledSize(Quantizer quantizer) {
        return Math.multiplyExact(quantizer.codebookSize(), quantizer.codesPerPosition());
    }

    /** Indices (B, H, W) unchanged; (B, H, W, G) as pooled codes g K + i, same shape, int64. */
    public static NDArray pooled(NDArray indices, int codebookSize) {
        Shape s = indices.getShape();
        if (s.dimension() != 4) {
            return indices;
        }
        long g = s.get(3);
        NDArray offsets = indices.getManager()
                .arange(0, (int) g, 1, DataType.INT64)
                .mul(codebookSize)
                .reshape(1, 1, 1, g);
        return indices.toType(DataType.INT64, false).add(offsets);
    }

    /** Pooled codes of flat indices laid out position after position, G per position. */
    public static long[] pooled(long[] indices, int codebookSize, int codesPerPosition) {
        if (codesPerPosition == 1) {
            return indices;
        }
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = indices[i] + (long) (i % codesPerPosition) * codebookSize;
        }
        return out;
    }
}
