package io.github.vqlc.core.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.engine.TorchOps;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The running minimum of every query row and the code where it occurs, folded over the distance
 * tiles of a CPU search by a plain Java loop that reads each tile in place (the CPU tensor's own
 * memory, no copy). PyTorch 2.3's CPU {@code argMin} along a row is not vectorized and costs about
 * three times this loop, plus a gather and two {@code where}s per tile (docs/benchmarks.md).
 *
 * <p>Strict {@code <} everywhere: within a tile the first minimal column wins, and a later tile
 * replaces a row's minimum only if strictly smaller, so ties resolve to the lowest code index as
 * one {@code argMin} over the whole row would. Inputs are finite (the search's contract).
 */
final class RowMinima {

    private final float[] value;
    private final long[] index;

    RowMinima(int rows) {
        value = new float[rows];
        index = new long[rows];
        Arrays.fill(value, Float.POSITIVE_INFINITY);
    }

    /**
     * Folds a contiguous (rows, cols) float32 CPU tile of -2 x.c, whose row r is query {@code
     * firstRow + r} and whose column c is code {@code firstCode + c} with {@code ||c||^2 =
     * columnNorms[c]}: the value compared is ||c||^2 - 2 x.c. With {@code selfOffset >= 0}, query
     * i is code {@code selfOffset + i} and never matches itself.
     */
    void fold(NDArray tile, float[] columnNorms, int firstRow, long firstCode, long selfOffset) {
        int rows = Math.toIntExact(tile.getShape().get(0));
        int cols = Math.toIntExact(tile.getShape().get(1));
        // direct buffer over the tensor's memory (a matMul result is contiguous, so no copy is made)
        FloatBuffer data = TorchOps.floatView(tile);
        for (int r = 0; r < rows; r++) {
            int i = firstRow + r;
            long self = selfOffset < 0 ? -1 : selfOffset + i - firstCode; // the row's own column, if any
            int skip = self >= 0 && self < cols ? (int) self : cols;
            int base = r * cols;
            // two plain loops around the skipped column keep the inner loop free of a test
            scan(data, columnNorms, base, 0, skip, i, firstCode);
            scan(data, columnNorms, base, skip + 1, cols, i, firstCode);
        }
    }

    /** Folds columns [from, to) of the tile row starting at {@code base} into query i's minimum. */
    private void scan(FloatBuffer data, float[] columnNorms, int base, int from, int to, int i, long firstCode) {
        float best = value[i];
        int column = -1;
        for (int c = from; c < to; c++) {
            float v = data.get(base + c) + columnNorms[c];
            if (v < best) {
                best = v;
                column = c;
            }
        }
        if (column >= 0) {
            value[i] = best;
            index[i] = firstCode + column;
        }
    }

    /** {indices (N) int64, minima (N) float32} in {@code manager}. */
    NDArray[] toArrays(NDManager manager) {
        return new NDArray[] {manager.create(index), manager.create(value)};
    }
}
