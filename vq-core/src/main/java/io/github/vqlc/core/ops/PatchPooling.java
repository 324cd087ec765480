package io.github.vqlc.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Average pooling of a patch feature map to a g x g grid, as VQGAN-LC pools CLIP's 16 x 16 token
 * grid to 4 x 4 = 16 vectors per image before k-means.
 *
 * <p>Bins follow PyTorch's {@code adaptive_avg_pool2d}: output cell i covers input rows
 * [floor(i h / g), ceil((i + 1) h / g)), and the same for columns; when g divides h and w this is
 * plain non-overlapping average pooling.
 */
public final class PatchPooling {

    /** The paper's grid: 4 x 4 vectors per image. */
    public static final int DEFAULT_GRID = 4;

    private PatchPooling() {}

    /** (B, D, h, w) -> (B, D, g, g). */
    public static NDArray pool(NDArray map, int grid) {
        Shape s = map.getShape();
        if (s.dimension() != 4 || grid < 1) {
            throw new IllegalArgumentException(
                    "pooling needs a (B, D, h, w) map and grid >= 1, got " + s + " and " + grid);
        }
        long b = s.get(0);
        long d = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (h % grid == 0 && w % grid == 0) {
            // the engine's mean reduces one axis at a time
            return map.reshape(b, d, grid, h / grid, grid, w / grid)
                    .mean(new int[] {5})
                    .mean(new int[] {3});
        }
        return poolAxis(poolAxis(map, 2, grid), 3, grid);
    }

    /** (B, D, g, g) -> (B, g*g, D): one row per grid cell, cells in row-major order. */
    public static NDArray rows(NDArray pooled) {
        Shape s = pooled.getShape();
        return pooled.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
    }

    private static NDArray poolAxis(NDArray x, int axis, int grid) {
        long n = x.getShape().get(axis);
        NDList cells = new NDList(grid);
        for (int i = 0; i < grid; i++) {
            long from = Math.floorDiv(i * n, grid);
            long to = -Math.floorDiv(-(i + 1) * n, grid); // ceil
            String slice = from + ":" + to;
            NDIndex index = axis == 2 ? new NDIndex(":, :, " + slice) : new NDIndex(":, :, :, " + slice);
            cells.add(x.get(index).mean(new int[] {axis}, true));
        }
        return NDArrays.concat(cells, axis);
    }
}
